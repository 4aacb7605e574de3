import { describe, expect, it } from 'vitest';
import { JsonLinesDecoder } from './json-lines.js';

const encoder = new TextEncoder();

/** Cuts bytes at the given offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const end of [...offsets, bytes.length]) {
    chunks.push(bytes.slice(start, end));
    start = end;
  }
  return chunks;
}

// A small deterministic PRNG, so a failing split can be replayed.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const events = [
  { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' } } },
  {
    type: 'MODIFIED',
    object: { metadata: { name: 'ünïcödé-名前', annotations: { note: 'line\\nbreak 🚀' } } },
  },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '3' } } },
  { type: 'DELETED', object: { metadata: { name: 'x'.repeat(70_000) } } },
];
const stream = encoder.encode(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`);

describe('JsonLinesDecoder', () => {
  it('decodes a whole stream in one chunk', () => {
    const d = new JsonLinesDecoder();
    expect([...d.push(stream), ...d.end()]).toEqual(events);
  });

  it('decodes the same events however the bytes are split (1000 random splits)', () => {
    const random = prng(42);
    for (let round = 0; round < 1000; round++) {
      const count = 1 + Math.floor(random() * 20);
      const offsets = Array.from({ length: count }, () => Math.floor(random() * stream.length)).sort(
        (a, b) => a - b,
      );
      const d = new JsonLinesDecoder();
      const out: unknown[] = [];
      for (const chunk of cut(stream, offsets)) out.push(...d.push(chunk));
      out.push(...d.end());
      expect(out).toEqual(events);
    }
  });

  it('survives one byte at a time, including splits inside multi-byte characters', () => {
    const small = encoder.encode('{"n":"名前🚀"}\n{"n":2}\n');
    const d = new JsonLinesDecoder();
    const out: unknown[] = [];
    for (const byte of small) out.push(...d.push(Uint8Array.of(byte)));
    expect([...out, ...d.end()]).toEqual([{ n: '名前🚀' }, { n: 2 }]);
  });

  it('keeps an unterminated last line until end()', () => {
    const d = new JsonLinesDecoder();
    expect(d.push(encoder.encode('{"a":1}\n{"b":'))).toEqual([{ a: 1 }]);
    expect(d.push(encoder.encode('2}'))).toEqual([]);
    expect(d.end()).toEqual([{ b: 2 }]);
  });

  it('skips blank lines and CRLF endings', () => {
    const d = new JsonLinesDecoder();
    expect(d.push(encoder.encode('\n\r\n{"a":1}\r\n\n'))).toEqual([{ a: 1 }]);
  });

  it('fails on a malformed line with a readable error', () => {
    const d = new JsonLinesDecoder();
    expect(() => d.push(encoder.encode('{"a":\n'))).toThrow(/malformed watch event line: \{"a":/);
  });
});
