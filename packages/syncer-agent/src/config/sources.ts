import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ParsedCommandLine } from './command-line.js';
import { ConfigError, type OptionSource } from './errors.js';
import { envVariable, type FlagSpec } from './flags.js';

/** A raw setting before validation, with where it came from. */
export interface RawValue {
  readonly values: readonly string[];
  readonly source: OptionSource;
}
export interface LoadSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads the `--config` file (tests pass their own). */
  readonly readFile?: (path: string) => string;
}

/** Reads a YAML config file whose keys are flag names; values may be scalars or (resources) lists. */
export function readConfigFile(
  path: string,
  flags: readonly FlagSpec[],
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Map<string, RawValue> {
  const source: OptionSource = { kind: 'file', path };
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError('--config', `cannot read "${path}": ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      '--config',
      `"${path}" is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const out = new Map<string, RawValue>();
  if (document === null || document === undefined) return out;
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError('--config', `"${path}" must be a mapping of flag names to values`);
  }
  const known = new Map(flags.filter((f) => f.flagOnly !== true).map((f) => [f.name, f]));
  for (const [key, value] of Object.entries(document)) {
    const flag = known.get(key);
    if (flag === undefined) {
      throw new ConfigError(key, `unknown setting (known: ${[...known.keys()].join(', ')})`, source);
    }
    const field = `--${key}`;
    if (Array.isArray(value)) {
      if (flag.multiple !== true) throw new ConfigError(field, 'expected a single value, got a list', source);
      out.set(key, { values: value.map((v) => scalarText(field, v, source)), source });
    } else if (key === 'feature-gates' && typeof value === 'object' && value !== null) {
      // `feature-gates: { Tunnel: true }` reads better in YAML than the flag's comma list.
      const parts = Object.entries(value).map(([name, on]) => `${name}=${scalarText(field, on, source)}`);
      out.set(key, { values: [parts.join(',')], source });
    } else {
      out.set(key, { values: [scalarText(field, value, source)], source });
    }
  }
  return out;
}

function scalarText(field: string, value: unknown, source: OptionSource): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new ConfigError(
    field,
    `expected a string or number, got ${value === null ? 'null' : typeof value}`,
    source,
  );
}

/**
 * Merges flags > environment (`KCP_TMC_<FLAG>`) > config file > defaults for `flags`, returning the raw text of
 * each set value. Flag values and environment values of repeatable flags may be comma-separated.
 */
export function mergeSources(
  commandLine: ParsedCommandLine,
  flags: readonly FlagSpec[],
  sources: LoadSources = {},
): Map<string, RawValue> {
  const env = sources.env ?? {};
  const configPath = commandLine.values.config ?? env[envVariable('config')];
  const file =
    typeof configPath === 'string' && configPath !== ''
      ? readConfigFile(configPath, flags, sources.readFile)
      : new Map<string, RawValue>();
  const merged = new Map<string, RawValue>();
  for (const flag of flags) {
    const fromFlag = commandLine.values[flag.name];
    const variable = envVariable(flag.name);
    const fromEnv = flag.flagOnly === true ? undefined : env[variable];
    const split = (items: readonly string[]) =>
      flag.multiple === true ? items.flatMap((v) => v.split(',')).filter((v) => v.trim() !== '') : items;
    if (fromFlag !== undefined) {
      const values = typeof fromFlag === 'boolean' ? [String(fromFlag)] : fromFlag;
      merged.set(flag.name, {
        values: split(Array.isArray(values) ? values : [values]),
        source: { kind: 'flag' },
      });
    } else if (fromEnv !== undefined && fromEnv !== '') {
      merged.set(flag.name, { values: split([fromEnv]), source: { kind: 'env', variable } });
    } else if (file.has(flag.name)) {
      const raw = file.get(flag.name) as RawValue;
      merged.set(flag.name, { values: split(raw.values), source: raw.source });
    } else if (flag.default !== undefined) {
      merged.set(flag.name, { values: [flag.default], source: { kind: 'default' } });
    }
  }
  return merged;
}
