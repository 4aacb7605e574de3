/** Why the real control plane cannot be had on this machine (as opposed to failing while running). */
export type RealApiserverUnavailableReason =
  | 'go-missing'
  | 'openssl-missing'
  | 'build-script-missing'
  | 'disabled';

/**
 * The machine lacks what the real kube-apiserver needs (the Go toolchain to build it, or openssl for its
 * certificates). Test suites catch this one error type to skip, and fail on every other error.
 */
export class RealApiserverUnavailableError extends Error {
  override readonly name = 'RealApiserverUnavailableError';

  constructor(
    readonly reason: RealApiserverUnavailableReason,
    message: string,
  ) {
    super(message);
  }
}

/** A binary build, or a process of the control plane, failed; `logTail` holds its last log lines. */
export class RealApiserverStartError extends Error {
  override readonly name = 'RealApiserverStartError';

  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\n--- last log lines ---\n${logTail}` : message);
  }
}
