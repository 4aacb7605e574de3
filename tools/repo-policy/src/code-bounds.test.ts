import { describe, expect, it } from 'vitest';
import { BOUNDS, measureLibrary, measureSource, type Offender } from './code-bounds.js';
import { ALLOWED } from './code-bounds-allowed.js';
import { repoRoot } from './workspace.js';

const id = (o: { kind: string; key: string }): string => `${o.kind} ${o.key}`;

describe('code bounds (issue 19)', () => {
  describe('measureSource', () => {
    const body = (n: number): string =>
      Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

    it('finds a function over the line bound and names it by its enclosing names', () => {
      const text = `export class Store {\n  put(): void {\n${body(BOUNDS.functionLines - 2)}\n  }\n}\n`;
      expect(measureSource('a.ts', text)).toEqual([]);
      const longer = `export class Store {\n  put(): void {\n${body(BOUNDS.functionLines - 1)}\n  }\n}\n`;
      expect(measureSource('a.ts', longer)).toEqual<Offender[]>([
        { kind: 'function', key: 'a.ts:Store/put', size: BOUNDS.functionLines + 1, line: 2 },
      ]);
    });

    it('names a callback by the call and label it is passed to, numbering repeats', () => {
      const cb = `describe('lists', () => {\n${body(BOUNDS.functionLines)}\n});\n`;
      const keys = measureSource('b.ts', `export function cases(): void {\n${cb}${cb}}\n`).map((o) => o.key);
      expect(keys).toEqual(['b.ts:cases', "b.ts:cases/describe('lists')", "b.ts:cases/describe('lists')#2"]);
    });

    it('finds a constructor over the parameter bound and a file over the line bound', () => {
      const params = Array.from({ length: BOUNDS.constructorParams + 1 }, (_, i) => `p${i}: number`).join(
        ', ',
      );
      const text = `class Engine {\n  constructor(${params}) {}\n}\n${'\n'.repeat(BOUNDS.fileLines)}`;
      expect(measureSource('c.ts', text).map((o) => [o.kind, o.key, o.size])).toEqual([
        ['file', 'c.ts', BOUNDS.fileLines + 4],
        ['constructor', 'c.ts:Engine/constructor', BOUNDS.constructorParams + 1],
      ]);
    });
  });

  describe('library sources (packages/*/src, tests excluded)', () => {
    const found = measureLibrary(repoRoot);
    const allowed = new Map(ALLOWED.map((a) => [id(a), a]));

    it('has no place over a bound outside the allow-list, and none grown past its listed size', () => {
      const over = found
        .filter((o) => {
          const a = allowed.get(id(o));
          return a === undefined || o.size > a.size;
        })
        .map(
          (o) =>
            `${id(o)} (line ${o.line}): ${o.size}, bound ${bound(o)}, allowed ${allowed.get(id(o))?.size}`,
        );
      expect(over, 'split these (issue 19); the allow-list only shrinks').toEqual([]);
    });

    it('lists no place that is back within the bounds (delete its entry from code-bounds-allowed.ts)', () => {
      const current = new Set(found.map(id));
      expect(ALLOWED.filter((a) => !current.has(id(a))).map(id)).toEqual([]);
    });
  });
});

function bound(o: Offender): number {
  if (o.kind === 'file') return BOUNDS.fileLines;
  return o.kind === 'function' ? BOUNDS.functionLines : BOUNDS.constructorParams;
}
