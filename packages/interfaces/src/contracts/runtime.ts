/** Structured logger. Fields must never carry secret data. */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  /** Verbose output at klog-style level `v` (1 = a little, 4 = debug, 6+ = trace). */
  debug(message: string, fields?: Record<string, unknown>, v?: number): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Opaque: whatever the clock's `setTimeout` returned. */
export type TimerHandle = unknown;

/** Time, injectable so tests can drive it. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A logger that drops everything: the default for libraries used without DI. */
export const NOOP_LOGGER: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => NOOP_LOGGER,
};

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
