import type { Logger } from '@kcp-tmc/interfaces';
import { isSecretKey, REDACTED, redact } from './redact.js';

export type LogFormat = 'json' | 'text';
type Level = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  /** klog verbosity: debug lines at level `v` print when `v <= verbosity`. */
  verbosity?: number;
  /** Default: text when the stream is a TTY, JSON lines otherwise. */
  format?: LogFormat;
  /** Default process.stderr (stdout stays for command output such as manifests). */
  stream?: { write(chunk: string): unknown; isTTY?: boolean };
  now?: () => Date;
  bindings?: Record<string, unknown>;
}

/** `debug` without a level logs at klog's debug level. */
export const DEFAULT_DEBUG_LEVEL = 4;

/**
 * The Logger contract over one stream: JSON lines (`{"ts","level","msg",...}`) for collectors, or a readable
 * klog-like line (`I0102 15:04:05.123 message key=value`) on a terminal. Fields are redacted on every line.
 */
export class StreamLogger implements Logger {
  private readonly verbosity: number;
  private readonly format: LogFormat;
  private readonly stream: NonNullable<LoggerOptions['stream']>;
  private readonly now: () => Date;
  private readonly bindings: Record<string, unknown>;

  constructor(options: LoggerOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.verbosity = options.verbosity ?? 0;
    this.format = options.format ?? (this.stream.isTTY === true ? 'text' : 'json');
    this.now = options.now ?? (() => new Date());
    this.bindings = options.bindings ?? {};
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields, 0);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields, 0);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields, 0);
  }

  debug(message: string, fields?: Record<string, unknown>, v = DEFAULT_DEBUG_LEVEL): void {
    this.write('debug', message, fields, v);
  }

  enabled(v: number): boolean {
    return v <= this.verbosity;
  }

  child(bindings: Record<string, unknown>): Logger {
    return new StreamLogger({
      verbosity: this.verbosity,
      format: this.format,
      stream: this.stream,
      now: this.now,
      bindings: { ...this.bindings, ...bindings },
    });
  }

  private write(level: Level, message: string, fields: Record<string, unknown> | undefined, v: number): void {
    if (v > this.verbosity) return;
    const all = redact({ ...this.bindings, ...fields }) as Record<string, unknown>;
    const time = this.now();
    if (this.format === 'json') {
      const line: Record<string, unknown> = { ts: time.toISOString(), level, msg: message };
      if (level === 'debug') line.v = v;
      for (const [key, value] of Object.entries(all)) if (!(key in line)) line[key] = value;
      this.stream.write(`${JSON.stringify(line)}\n`);
      return;
    }
    const letter = level === 'debug' ? 'I' : level.charAt(0).toUpperCase();
    const stamp = `${pad(time.getMonth() + 1)}${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;
    const pairs = Object.entries(all).map(([key, value]) => `${key}=${formatValue(key, value)}`);
    this.stream.write(`${letter}${stamp} ${message}${pairs.length > 0 ? ` ${pairs.join(' ')}` : ''}\n`);
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function formatValue(key: string, value: unknown): string {
  if (isSecretKey(key)) return REDACTED;
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** Passes warnings and errors only: for commands whose own output is the progress (the demo). */
export function warningsOnly(logger: Logger): Logger {
  return {
    error: (message, fields) => logger.error(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    info: () => {},
    debug: () => {},
    child: (bindings) => warningsOnly(logger.child(bindings)),
  };
}
