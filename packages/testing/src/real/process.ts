import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { readLogTail } from './log-tail.js';

/** One control-plane process (etcd, kube-apiserver, kube-controller-manager) logging to a file. */
export class ControlPlaneProcess {
  private exit: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly logPath: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.exit = `could not start: ${error.message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
    });
  }

  /** Starts `command` with stdout and stderr appended to `logPath` (a file, so no pipe can fill up). */
  static start(
    name: string,
    command: string,
    args: readonly string[],
    logPath: string,
    env?: NodeJS.ProcessEnv,
  ): ControlPlaneProcess {
    const log = openSync(logPath, 'a');
    try {
      const child = spawn(command, args, { stdio: ['ignore', log, log], ...(env ? { env } : {}) });
      return new ControlPlaneProcess(name, logPath, child);
    } finally {
      closeSync(log);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, or undefined while it runs. */
  get exitDescription(): string | undefined {
    return this.exit;
  }

  logTail(lines = 30): string {
    return readLogTail(this.logPath, lines);
  }

  /** Sends a signal (e.g. SIGKILL for a crash test) and resolves once the process has exited. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.exit !== undefined || this.child.pid === undefined) {
      return;
    }
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exit !== undefined || this.child.pid === undefined) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Synchronous last resort for process exit handlers, where no promise can be awaited. */
  killNow(): void {
    if (this.exit === undefined && this.child.pid !== undefined) {
      this.child.kill('SIGKILL');
    }
  }
}

/** Polls `check` every `intervalMs` until it returns a value (not undefined) or `deadline` (epoch ms) passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  deadline: number,
  intervalMs: number,
): Promise<T | undefined> {
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() >= deadline) {
      return value;
    }
    await delay(intervalMs);
  }
}
