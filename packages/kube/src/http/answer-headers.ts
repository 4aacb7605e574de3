/**
 * The headers of a received answer with fetch's `Headers` semantics (case-insensitive names, repeated values
 * joined with `, `, Set-Cookie kept apart, iteration sorted by name), built from Node's raw header list
 * without loading fetch. Immutable, as a fetch Response's headers are.
 */
export class AnswerHeaders implements Headers {
  private readonly byName = new Map<string, string[]>();

  /** `raw`: name, value, name, value... as Node's `IncomingMessage.rawHeaders` gives them. */
  constructor(raw: readonly string[] = []) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      const value = (raw[i + 1] as string).trim();
      const known = this.byName.get(name);
      if (known === undefined) this.byName.set(name, [value]);
      else known.push(value);
    }
  }

  get(name: string): string | null {
    const values = this.byName.get(name.toLowerCase());
    return values === undefined ? null : values.join(', ');
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  getSetCookie(): string[] {
    return [...(this.byName.get('set-cookie') ?? [])];
  }

  append(): void {
    throw new TypeError('immutable headers');
  }

  set(): void {
    throw new TypeError('immutable headers');
  }

  delete(): void {
    throw new TypeError('immutable headers');
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.byName.keys()].sort()) {
      const values = this.byName.get(name) as string[];
      // Set-Cookie values cannot be joined: fetch yields each one.
      if (name === 'set-cookie') for (const value of values) yield [name, value];
      else yield [name, values.join(', ')];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
