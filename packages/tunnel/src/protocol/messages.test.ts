import { describe, expect, it } from 'vitest';
import { encodeMessage, MAX_MESSAGE_BYTES, MessageDecoder } from './messages.js';

describe('tunneled WebSocket messages', () => {
  it('reassembles messages from chunks cut at every possible place', () => {
    const messages = [
      { data: Buffer.from([1, 104, 105]), binary: true },
      { data: Buffer.alloc(0), binary: true },
      { data: Buffer.from('text frame'), binary: false },
      { data: Buffer.alloc(3000, 7), binary: true },
    ];
    const wire = Buffer.concat(messages.map((m) => encodeMessage(m.data, m.binary)));
    for (const size of [1, 2, 3, 5, 7, 64, 1024, wire.byteLength]) {
      const decoder = new MessageDecoder();
      const out = [];
      for (let at = 0; at < wire.byteLength; at += size)
        out.push(...decoder.push(wire.subarray(at, at + size)));
      expect(out.map((m) => ({ data: [...m.data], binary: m.binary }))).toEqual(
        messages.map((m) => ({ data: [...m.data], binary: m.binary })),
      );
      expect(decoder.buffered).toBe(0);
    }
  });

  it('holds back an incomplete message', () => {
    const decoder = new MessageDecoder();
    const wire = encodeMessage(Buffer.from('abcdef'), true);
    expect(decoder.push(wire.subarray(0, 8))).toEqual([]);
    expect(decoder.buffered).toBe(8);
    expect(decoder.push(wire.subarray(8)).map((m) => m.data.toString())).toEqual(['abcdef']);
  });

  it('rejects an oversized length or an unknown kind', () => {
    const big = Buffer.alloc(5);
    big.writeUInt32BE(MAX_MESSAGE_BYTES + 1, 0);
    big[4] = 1;
    expect(() => new MessageDecoder().push(big)).toThrow(RangeError);
    expect(() => new MessageDecoder().push(Buffer.from([0, 0, 0, 0, 9]))).toThrow(/kind 9/);
  });
});
