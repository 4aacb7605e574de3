import type { HeartbeatReporter, LeaderElection } from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineHarness, upstreamObject } from '../test/support/engine-harness.js';
import { until } from '../test/support/wait.js';

const DEPLOYMENTS = 'apps/v1/deployments';

/** A LeaderElection the test grants and takes away. */
class ScriptedLeader implements LeaderElection {
  readonly identity = 'test';
  private leading = false;
  private readonly waiting: Array<() => void> = [];
  private readonly lost = new Set<(reason: string) => void>();
  acquire(): Promise<void> {
    return this.leading ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
  isLeader(): boolean {
    return this.leading;
  }
  onLost(listener: (reason: string) => void): () => void {
    this.lost.add(listener);
    return () => this.lost.delete(listener);
  }
  async release(): Promise<void> {}
  grant(): void {
    this.leading = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
  lose(): void {
    this.leading = false;
    for (const listener of this.lost) listener('taken');
  }
}

describe('engine under leader election', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps warm caches but writes nothing, conditions included, until it leads', async () => {
    const leader = new ScriptedLeader();
    const conditions: unknown[] = [];
    const heartbeat = {
      setCondition: async (c: unknown) => void conditions.push(c),
    } as unknown as HeartbeatReporter;
    const h = engineHarness({ leader, heartbeat });
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'default', 'web'));
    const starting = h.engine.start();
    await until(() => h.engine.getStatus().connected);
    // A while of (fake) time as a standby: still nothing written.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.syncer.calls).toEqual([]);
    expect(conditions).toEqual([]);
    expect(h.engine.activeResources()).toContain(DEPLOYMENTS);

    leader.grant();
    await starting;
    await until(() => h.syncer.names('apply').includes('root:a/default/web'));
    expect(conditions).toEqual([{ type: 'SyncerAuthorized', status: 'True' }]);
    await h.engine.stop();
  });

  it('hands its queue back at once when it loses the lease', async () => {
    const leader = new ScriptedLeader();
    leader.grant();
    const h = engineHarness({ leader });
    await h.engine.start();
    leader.lose();
    await until(() => h.engine.lastDrain() !== undefined);
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'default', 'late'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.syncer.names('apply')).not.toContain('root:a/default/late');
    expect(h.engine.getStatus().error).toBe('leadership lost');
    await h.engine.stop();
  });
});
