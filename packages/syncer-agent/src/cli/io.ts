import type { FlagSpec } from '../config/flags.js';
import { type LogFormat, StreamLogger } from '../logging/logger.js';

/** What a command may touch: its output streams, environment and signals; tests pass their own. */
export interface CliIO {
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Subscribes to SIGTERM/SIGINT; returns the unsubscribe function. */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onSignal(handler) {
      process.on('SIGTERM', handler);
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
      };
    },
  };
}

/** Logs go to stderr, so stdout carries only a command's output (manifests, keys, the demo's table). */
export function loggerFor(io: CliIO, verbosity: number, format?: LogFormat): StreamLogger {
  return new StreamLogger({ stream: io.stderr, verbosity, ...(format === undefined ? {} : { format }) });
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Its flags (besides --help), for shell completion. */
  readonly flags?: readonly FlagSpec[];
  /** Positional words it takes, for shell completion. */
  readonly words?: readonly string[];
  /** Resolves with the exit code. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
