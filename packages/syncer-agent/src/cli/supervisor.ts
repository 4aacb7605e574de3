import type { Logger } from '@kcp-tmc/interfaces';
import { type Agent, createAgent } from '../compose.js';
import type { AgentOptions } from '../config/options.js';

/** Exit code of a forced exit (second signal, or a shutdown past --shutdown-timeout). */
export const FORCED_EXIT_CODE = 130;

/**
 * Runs one agent at a time for `syncer-agent run` and decides the exit code: 0 after a drained signal, 130
 * when forced, 1 when the agent cannot go on. With `--on-sync-target-deleted=wait` a deleted SyncTarget is not
 * the end: the agent is stopped whole (no writer, cache or lease survives) and a fresh one waits for a
 * SyncTarget of that name.
 */
export class AgentSupervisor {
  private agent: Agent | undefined;
  private signalled = false;
  /** Ends a start still waiting for the SyncTarget (access, its virtual workspace URL, or its re-creation). */
  private readonly starting = new AbortController();
  private resolveExit: (code: number) => void = () => {};
  readonly exit = new Promise<number>((resolve) => {
    this.resolveExit = resolve;
  });

  constructor(
    private readonly options: AgentOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts the first agent; rejects with its start error unless a signal cut the start short. */
  async run(): Promise<void> {
    try {
      await this.launch(false);
    } catch (err) {
      // A start cut short by a signal is a requested shutdown, not a failure.
      if (!this.signalled) {
        await this.agent?.stop();
        throw err;
      }
      this.logger.debug('start interrupted by the signal', { error: err }, 2);
      // No agent to drain: nothing else would end the wait for the exit code.
      if (this.agent === undefined) this.resolveExit(0);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.signalled) {
      this.logger.warn('second signal, exiting without draining', { signal });
      this.resolveExit(FORCED_EXIT_CODE);
      return;
    }
    this.signalled = true;
    this.starting.abort(new Error(`${signal} received`));
    this.logger.info('signal received, draining', { signal, timeoutMs: this.options.shutdownTimeoutMs });
    if (this.agent !== undefined) this.drain();
  }

  private async launch(untilCreated: boolean): Promise<void> {
    const { logger, starting } = this;
    this.agent = await createAgent(this.options, { logger, signal: starting.signal, untilCreated });
    if (this.signalled) {
      this.drain();
      return;
    }
    const running = this.agent;
    await running.start();
    if (this.signalled) await running.stop();
    void running.fatal.then((reason) => this.onFatal(running, reason));
  }

  private drain(): void {
    const deadline = setTimeout(() => {
      this.logger.error('shutdown did not finish in time, exiting', {
        timeoutMs: this.options.shutdownTimeoutMs,
      });
      this.resolveExit(FORCED_EXIT_CODE);
    }, this.options.shutdownTimeoutMs);
    deadline.unref();
    (this.agent?.stop() ?? Promise.resolve()).then(
      () => this.resolveExit(0),
      (err: unknown) => {
        this.logger.error('shutdown failed', { error: err });
        this.resolveExit(1);
      },
    );
  }

  /** The agent already writes nothing; close what is open, then exit 1 or (deleted SyncTarget, wait) start again. */
  private onFatal(running: Agent, reason: string): void {
    const forced = setTimeout(() => this.resolveExit(1), this.options.shutdownTimeoutMs);
    forced.unref();
    const { cluster, name } = running.syncTarget;
    const deleted = reason === `SyncTarget ${cluster}:${name} was deleted`;
    if (!(deleted && this.options.onSyncTargetDeleted === 'wait')) {
      void running.stop().finally(() => this.resolveExit(1));
      return;
    }
    void running
      .stop()
      .then(() => {
        clearTimeout(forced);
        this.logger.info('SyncTarget deleted: every writer stopped, waiting for a SyncTarget of that name', {
          syncTarget: `${cluster}:${name}`,
        });
        return this.launch(true);
      })
      .catch((err: unknown) => {
        if (this.signalled) return;
        this.logger.error('agent could not start again', { error: err });
        this.resolveExit(1);
      });
  }
}
