import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import { type FlagSpec, HELP_FLAG, parseArgsOptions } from './flags.js';
import { isGoBoolean } from './logging-flags.js';

export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  readonly help: boolean;
}

/**
 * parseArgs over `flags` (plus `--help`), strict: an unknown flag or a missing value is a ConfigError naming
 * it. Reads argv as pflag does for kcp's syncer: `-v=4` beside `-v 4` and `--v=4`, `_` as `-` in flag names,
 * `--bool=false`.
 */
export function parseCommandLine(argv: readonly string[], flags: readonly FlagSpec[]): ParsedCommandLine {
  const args = pflagStyle(argv, [...flags, HELP_FLAG]);
  try {
    const { values, positionals } = parseArgs({
      args,
      options: parseArgsOptions([...flags, HELP_FLAG]),
      allowPositionals: true,
      strict: true,
    });
    return {
      values: values as ParsedCommandLine['values'],
      positionals,
      help: values.help === true,
    };
  } catch (err) {
    throw commandLineError(err);
  }
}

/** Rewrites pflag spellings into ones parseArgs reads; stops at `--`. */
function pflagStyle(argv: readonly string[], flags: readonly FlagSpec[]): string[] {
  const byShort = new Map(flags.filter((f) => f.short !== undefined).map((f) => [f.short, f]));
  const byName = new Map(flags.map((f) => [f.name, f]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const short = /^-([a-zA-Z])=(.*)$/s.exec(arg);
    const long = byShort.get(short?.[1])?.name;
    if (short !== null && long !== undefined) arg = `--${long}=${short[2]}`;
    const match = /^--([^=]+)(=.*)?$/s.exec(arg);
    if (match === null) {
      out.push(arg);
      continue;
    }
    const name = (match[1] as string).replaceAll('_', '-');
    const value = match[2];
    if (byName.get(name)?.type === 'boolean' && value !== undefined) {
      const text = value.slice(1);
      if (!isGoBoolean(text)) throw new ConfigError(`--${name}`, `expected true or false, got "${text}"`);
      if (/^(1|t|true)$/i.test(text)) out.push(`--${name}`);
      continue;
    }
    out.push(`--${name}${value ?? ''}`);
  }
  return out;
}

function commandLineError(err: unknown): ConfigError {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'flags';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new ConfigError(flag, 'unknown flag (see --help)');
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new ConfigError(flag.replace(/^(-\w), (--.*)$/, '$2'), 'expects a value');
  }
  return new ConfigError(flag, message);
}
