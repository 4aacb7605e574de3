import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type TestClient } from '../../test/support/clients.js';
import { waitFor } from '../../test/support/wait.js';
import { microTime, takeOver } from './lease.js';
import { LEASES, LeaseElector, type LeaseElectorOptions } from './lease-elector.js';

// Short periods keep the test quick; the ratios are client-go's defaults (15 s / 10 s / 2 s).
const FAST = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

describe('LeaseElector against the simulator', () => {
  let sim: KubeSimulator;
  let test: TestClient;
  let n = 0;
  beforeAll(async () => {
    sim = await startKubeSimulator();
    test = clientFor(sim.kubeconfig);
  });
  afterAll(async () => {
    await test.close();
    await sim.stop();
  });
  const elector = (name: string, identity: string, extra: Partial<LeaseElectorOptions> = {}) =>
    new LeaseElector({ client: test.client, namespace: 'default', name, identity, ...FAST, ...extra });
  const holder = async (name: string) => {
    const lease = await test.client.get(LEASES, { namespace: 'default', name });
    return (lease.spec as { holderIdentity?: string; leaseTransitions?: number }) ?? {};
  };

  it('elects one replica; the other takes over once the leader releases, with one more transition', async () => {
    const name = `lease-${n++}`;
    const a = elector(name, 'a');
    const b = elector(name, 'b');
    await a.acquire();
    expect(a.isLeader()).toBe(true);
    const standby = b.acquire();
    let bLeads = false;
    void standby.then(() => {
      bLeads = true;
    });
    // Several renewals go by while b waits: a renews, b never writes.
    const renewed = (await holder(name)) as { renewTime?: string };
    await waitFor(
      async () => ((await holder(name)) as { renewTime?: string }).renewTime !== renewed.renewTime,
      'a renews',
    );
    expect(bLeads).toBe(false);
    expect((await holder(name)).holderIdentity).toBe('a');
    await a.release();
    await standby;
    expect(b.isLeader()).toBe(true);
    expect(await holder(name)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.release();
    expect((await holder(name)).holderIdentity).toBe('');
  });

  it('takes over a lease whose holder stopped renewing, only after the lease duration', async () => {
    const name = `lease-${n++}`;
    const spec = takeOver(undefined, 'gone', 1, Date.now());
    await test.client.create(
      LEASES,
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'default' }, spec },
      { namespace: 'default' },
    );
    const b = elector(name, 'b', { leaseDurationMs: 1_500 });
    const started = Date.now();
    await b.acquire();
    // Expiry counts from when b first saw the lease, on b's clock; the holder's renewTime is not trusted.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(await holder(name)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.release();
  });

  it('gives up leadership at once when another replica holds the lease, and tells its listeners', async () => {
    const name = `lease-${n++}`;
    const a = elector(name, 'a');
    await a.acquire();
    const reasons: string[] = [];
    a.onLost((reason) => reasons.push(reason));
    const lease = await test.client.get(LEASES, { namespace: 'default', name });
    const stolen = takeOver(lease.spec as never, 'intruder', 15, Date.now());
    await test.client.update(LEASES, { ...lease, spec: stolen }, { namespace: 'default' });
    await waitFor(() => reasons.length > 0, 'a loses the lease');
    expect(reasons).toEqual(['another replica holds the lease']);
    expect(a.isLeader()).toBe(false);
    await expect(a.acquire()).rejects.toThrow('leadership lost: another replica holds the lease');
    await a.release();
    // Releasing after the loss leaves the new holder alone.
    expect((await holder(name)).holderIdentity).toBe('intruder');
  });

  it('gives up leadership when it cannot renew within the renew deadline', async () => {
    const name = `lease-${n++}`;
    const a = elector(name, 'a');
    await a.acquire();
    const reasons: string[] = [];
    a.onLost((reason) => reasons.push(reason));
    sim.faults.addRule({ resource: 'leases.coordination.k8s.io', status: 503, rate: 1 });
    try {
      await waitFor(() => reasons.length > 0, 'a gives up', { timeoutMs: 10_000 });
    } finally {
      sim.faults.clearRules();
    }
    expect(reasons[0]).toBe('no renewal within the renew deadline (1000 ms)');
    await a.release();
  });

  it('keeps the lease while renewals are slower than the retry period but within the renew deadline', async () => {
    const name = `lease-${n++}`;
    const a = elector(name, 'a', { leaseDurationMs: 3_000, renewDeadlineMs: 2_000 });
    await a.acquire();
    const reasons: string[] = [];
    a.onLost((reason) => reasons.push(reason));
    // client-go bounds a renewal by the renew deadline (leaderelection.go renew: PollUntilContextTimeout with
    // RenewDeadline), not by the retry period: a renewal (GET and UPDATE) taking 500 ms, over the 200 ms retry
    // period but within the 2 s deadline, still renews.
    sim.faults.setLatency(250);
    try {
      const renewTimes = new Set<string>();
      await waitFor(
        async () => {
          renewTimes.add(((await holder(name)) as { renewTime?: string }).renewTime ?? '');
          return renewTimes.size >= 4 || reasons.length > 0;
        },
        'three slow renewals',
        { timeoutMs: 10_000 },
      );
    } finally {
      sim.faults.setLatency(0);
    }
    expect(reasons).toEqual([]);
    expect(a.isLeader()).toBe(true);
    await a.release();
  });

  it('stops waiting when the signal aborts, and refuses periods in the wrong order', async () => {
    const name = `lease-${n++}`;
    const a = elector(name, 'a');
    await a.acquire();
    const b = elector(name, 'b');
    const abort = new AbortController();
    const waiting = b.acquire(abort.signal);
    abort.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    await b.release();
    await a.release();
    expect(() => elector(name, 'c', { renewDeadlineMs: 2_000 })).toThrow(
      'lease duration > renew deadline > retry period',
    );
  });
});

describe('lease specs', () => {
  it('writes MicroTime and counts a transition only when the holder changes', () => {
    expect(microTime(Date.UTC(2026, 11, 6, 8, 0, 0, 123))).toBe('2026-12-06T08:00:00.123000Z');
    const first = takeOver(undefined, 'a', 15, 0);
    expect(first).toMatchObject({ holderIdentity: 'a', leaseTransitions: 0, leaseDurationSeconds: 15 });
    const renewed = takeOver(first, 'a', 15, 5_000);
    expect(renewed).toMatchObject({ acquireTime: first.acquireTime, leaseTransitions: 0 });
    expect(renewed.renewTime).not.toBe(first.renewTime);
    expect(takeOver(renewed, 'b', 15, 9_000)).toMatchObject({
      leaseTransitions: 1,
      renewTime: microTime(9_000),
    });
  });
});
