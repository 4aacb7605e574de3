import { type ParsedCommandLine, parseCommandLine } from '../config/command-line.js';
import { ConfigError } from '../config/errors.js';
import type { FlagSpec } from '../config/flags.js';
import type { Parsed } from '../config/values.js';
import type { CliIO, Command } from './io.js';

export interface FlagCommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  /** Printed for `--help`. */
  readonly help: string;
  /** Runs with the parsed command line (flags checked, `--help` handled); resolves with the exit code. */
  run(commandLine: ParsedCommandLine, io: CliIO, argv: readonly string[]): Promise<number>;
}

/** A command whose flags are parsed, and whose `--help` answered, before it runs. */
export function flagCommand(spec: FlagCommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    flags: spec.flags,
    async run(argv, io) {
      const commandLine = parseCommandLine(argv, spec.flags);
      if (commandLine.help) {
        io.stdout.write(spec.help);
        return 0;
      }
      return spec.run(commandLine, io, argv);
    },
  };
}

/**
 * One flag's value, parsed: a ConfigError naming the flag when it does not parse, or when it is missing and has
 * no `fallback`.
 */
export function flagValue<T>(
  values: ParsedCommandLine['values'],
  name: string,
  parse: (text: string) => Parsed<T>,
  fallback?: string,
): T {
  const value = values[name];
  const text = typeof value === 'string' ? value : fallback;
  if (text === undefined) throw new ConfigError(`--${name}`, 'is required');
  const parsed = parse(text);
  if (!parsed.ok) throw new ConfigError(`--${name}`, parsed.reason);
  return parsed.value;
}
