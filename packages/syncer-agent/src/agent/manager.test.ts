import { type LeaderElection, NOOP_LOGGER } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { type Runnable, RunnableManager } from './manager.js';

function recorder() {
  const log: string[] = [];
  const runnable = (name: string, needLeaderElection: boolean, extra: Partial<Runnable> = {}): Runnable => ({
    name,
    needLeaderElection,
    start: () => {
      log.push(`start ${name}`);
    },
    stop: async () => {
      log.push(`stop ${name}`);
    },
    ...extra,
  });
  return { log, runnable };
}

function election(log: string[], acquired: Promise<void> = Promise.resolve()): LeaderElection {
  return {
    identity: 'me',
    acquire: async () => {
      log.push('acquire');
      await acquired;
      log.push('leading');
    },
    isLeader: () => true,
    onLost: () => () => {},
    release: async () => {
      log.push('release');
    },
  };
}

describe('RunnableManager', () => {
  it('starts in order, leads before the first writer, stops in reverse and releases the lease last', async () => {
    const { log, runnable } = recorder();
    const manager = new RunnableManager(
      [
        runnable('listeners', false),
        runnable('engine', false),
        runnable('heartbeat', true),
        runnable('tunnel', true),
      ],
      NOOP_LOGGER,
      election(log),
    );
    await manager.start(new AbortController().signal);
    await manager.stop();
    expect(log).toEqual([
      'start listeners',
      'start engine',
      'acquire',
      'leading',
      'start heartbeat',
      'start tunnel',
      'stop tunnel',
      'stop heartbeat',
      'stop engine',
      'stop listeners',
      'release',
    ]);
  });

  it('ends the wait for the lease with a background start that fails, and stops only what started', async () => {
    const { log, runnable } = recorder();
    const never = new Promise<void>(() => {});
    const manager = new RunnableManager(
      [
        runnable('engine', false, {
          background: true,
          start: () => Promise.reject(new Error('caches never synced')),
        }),
        runnable('heartbeat', true),
      ],
      NOOP_LOGGER,
      election(log, never),
    );
    await expect(manager.start(new AbortController().signal)).rejects.toThrow('caches never synced');
    await manager.stop();
    expect(log).toEqual(['acquire', 'stop engine', 'release']);
  });

  it('halts the writers once, keeping the lease and what does not write', async () => {
    const { log, runnable } = recorder();
    const manager = new RunnableManager(
      [runnable('engine', false), runnable('heartbeat', true), runnable('leader tasks', true)],
      NOOP_LOGGER,
      election(log),
    );
    await manager.start(new AbortController().signal);
    log.length = 0;
    manager.halt();
    await manager.stop();
    expect(log).toEqual(['stop leader tasks', 'stop heartbeat', 'stop engine', 'release']);
  });

  it('starts nothing more once the signal aborts', async () => {
    const { log, runnable } = recorder();
    const abort = new AbortController();
    const manager = new RunnableManager(
      [
        runnable('listeners', false, { start: () => abort.abort(new Error('stopping')) }),
        runnable('engine', false),
      ],
      NOOP_LOGGER,
    );
    await expect(manager.start(abort.signal)).rejects.toThrow('stopping');
    await manager.stop();
    expect(log).toEqual(['stop listeners']);
  });

  it('logs a failing stop and goes on with the others', async () => {
    const { log, runnable } = recorder();
    const warnings: string[] = [];
    const logger = {
      ...NOOP_LOGGER,
      warn: (_msg: string, fields?: Record<string, unknown>) => warnings.push(String(fields?.step)),
    };
    const manager = new RunnableManager(
      [
        runnable('engine', false),
        runnable('tunnel', true, { stop: () => Promise.reject(new Error('boom')) }),
      ],
      logger,
    );
    await manager.start(new AbortController().signal);
    await manager.stop();
    expect(warnings).toEqual(['tunnel']);
    expect(log).toEqual(['start engine', 'start tunnel', 'stop engine']);
  });
});
