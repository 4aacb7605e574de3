import { ConfigError, type OptionSource } from './errors.js';
import type { RawValue } from './sources.js';
import type { Parsed } from './values.js';

/** Validated access to merged settings: each getter throws a ConfigError naming the flag. */
export class SettingReader {
  constructor(private readonly merged: Map<string, RawValue>) {}

  has(name: string): boolean {
    return this.merged.has(name);
  }

  optional<T>(name: string, parse: (text: string) => Parsed<T>): T | undefined {
    const raw = this.merged.get(name);
    if (raw === undefined) return undefined;
    const text = raw.values[raw.values.length - 1] as string;
    const parsed = parse(text);
    if (!parsed.ok) throw new ConfigError(`--${name}`, parsed.reason, raw.source);
    return parsed.value;
  }

  required<T>(name: string, parse: (text: string) => Parsed<T>, why = 'is required'): T {
    const value = this.optional(name, parse);
    if (value === undefined) throw new ConfigError(`--${name}`, why);
    return value;
  }

  list<T>(name: string, parse: (text: string) => Parsed<T>): T[] {
    const raw = this.merged.get(name);
    if (raw === undefined) return [];
    return raw.values.map((text) => {
      const parsed = parse(text);
      if (!parsed.ok) throw new ConfigError(`--${name}`, parsed.reason, raw.source);
      return parsed.value;
    });
  }

  sourceOf(name: string): OptionSource | undefined {
    return this.merged.get(name)?.source;
  }
}
