import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { registerExitCleanup } from './exit-cleanup.js';
import type { ControlPlaneProcess } from './process.js';

/**
 * The processes of one real control plane and their scratch directory. stop() ends them in reverse start order
 * (clients before the servers they talk to, so shutdown logs stay quiet) and removes the directory, once however
 * often it is called; if the test process ends without stop(), they are killed and the directory removed anyway.
 */
export class ProcessGroup {
  private readonly processes: ControlPlaneProcess[] = [];
  private readonly unregister: () => void;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly graceMs?: number,
  ) {
    this.unregister = registerExitCleanup(() => {
      for (const member of this.processes) member.killNow();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  /** Adds a started process; it is stopped with the group. */
  add(process: ControlPlaneProcess): ControlPlaneProcess {
    this.processes.push(process);
    return process;
  }

  /** Puts a restarted process in the place of the one it replaces, keeping the stop order. */
  replace(old: ControlPlaneProcess, process: ControlPlaneProcess): ControlPlaneProcess {
    const at = this.processes.indexOf(old);
    if (at === -1) this.processes.push(process);
    else this.processes[at] = process;
    return process;
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const member of [...this.processes].reverse()) await member.stop(this.graceMs);
      await rm(this.dir, { recursive: true, force: true });
      this.unregister();
    })();
    return this.stopped;
  }
}
