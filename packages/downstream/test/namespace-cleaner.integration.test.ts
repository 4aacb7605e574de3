import {
  type Clock,
  DOWNSTREAM_CLUSTER_LABEL,
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  NOOP_LOGGER,
  parseGvr,
  type TimerHandle,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NamespaceCleaner } from '../src/namespace/cleaner.js';
import { eventually } from './support/wait.js';

/** Time moves only when the test says so. */
class ManualClock implements Clock {
  private time = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at > this.time) continue;
      this.timers.delete(id);
      timer.callback();
    }
  }
}

const NAMESPACES = parseGvr('v1/namespaces');
const CONFIGMAPS = parseGvr('v1/configmaps');
const KEY = 'target-key';
const DELAY = 30_000;

describe('NamespaceCleaner (simulator, manual clock)', () => {
  let sim: KubeSimulator;
  let registration: KubeRegistration;
  let client: KubeClient;
  beforeAll(async () => {
    sim = await startKubeSimulator();
    const c = container.createChildContainer();
    registration = registerKube(c, {
      upstream: { kubeconfig: { kubeconfig: sim.kubeconfig }, transport: { qps: 0 } },
      downstream: { kubeconfig: { kubeconfig: sim.kubeconfig }, transport: { qps: 0 } },
    });
    client = c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
  });
  afterAll(async () => {
    await registration?.close();
    await sim?.stop();
  });

  const namespace = (name: string, owned: boolean) =>
    client.create(NAMESPACES, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: owned ? { [DOWNSTREAM_CLUSTER_LABEL]: KEY } : {} },
    });
  const exists = async (name: string) =>
    (await client.get(NAMESPACES, { name }).catch(() => undefined)) !== undefined &&
    (await client.get(NAMESPACES, { name })).metadata.deletionTimestamp === undefined;

  /** A cleaner of CONFIGMAPS on a manual clock, and the namespaces it deleted. */
  const newCleaner = (through: KubeClient = client) => {
    const clock = new ManualClock();
    const deleted: string[] = [];
    const cleaner = new NamespaceCleaner({
      client: through,
      clock,
      logger: NOOP_LOGGER,
      syncTargetKey: KEY,
      delayMs: DELAY,
      onDeleted: (ns) => deleted.push(ns),
    });
    cleaner.track(CONFIGMAPS);
    return { clock, deleted, cleaner };
  };

  it('deletes an emptied namespace we own after the delay, never one we do not own, never one that got new content', async () => {
    const { clock, deleted, cleaner } = newCleaner();
    await namespace('ours-empty', true);
    await namespace('not-ours', false);
    await namespace('ours-refilled', true);
    for (const ns of ['ours-empty', 'not-ours', 'ours-refilled']) cleaner.schedule(ns);
    expect(cleaner.pending().sort()).toEqual(['not-ours', 'ours-empty', 'ours-refilled']);
    // New content arrives before the delay is over.
    await client.create(
      CONFIGMAPS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new', namespace: 'ours-refilled' } },
      { namespace: 'ours-refilled' },
    );
    clock.advance(DELAY - 1);
    expect(deleted).toEqual([]);
    expect(await exists('ours-empty')).toBe(true);
    clock.advance(1);
    await eventually(() => deleted.includes('ours-empty'), 10_000, 'emptied namespace deleted');
    expect(await exists('ours-empty')).toBe(false);
    expect(await exists('not-ours')).toBe(true);
    expect(await exists('ours-refilled')).toBe(true);
    expect(deleted).toEqual(['ours-empty']);
    expect(cleaner.pending()).toEqual([]);
  });

  it('keeps a pending plan when planned again, as kcp does: the delay runs from the first plan', async () => {
    const { clock, deleted, cleaner } = newCleaner();
    await namespace('emptied-slowly', true);
    cleaner.schedule('emptied-slowly');
    clock.advance(DELAY - 1);
    // Another object of it deleted: the plan stays due at DELAY.
    cleaner.schedule('emptied-slowly');
    clock.advance(1);
    await eventually(() => deleted.includes('emptied-slowly'), 10_000, 'namespace deleted at the first plan');
    expect(cleaner.pending()).toEqual([]);
  });

  it('lets a plan lapse when the namespace still holds objects; the next plan starts a new delay', async () => {
    // The real client, counting the cleaner's emptiness checks as they complete.
    let checks = 0;
    const counted = new Proxy(client, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'list' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const answer = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          checks++;
          return answer;
        };
      },
    });
    const { clock, deleted, cleaner } = newCleaner(counted);
    await namespace('still-full', true);
    await client.create(
      CONFIGMAPS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'left', namespace: 'still-full' } },
      { namespace: 'still-full' },
    );
    cleaner.schedule('still-full');
    clock.advance(DELAY);
    await eventually(() => checks === 1, 10_000, 'the plan checked the namespace');
    // It found an object: nothing deleted, and the plan is not rearmed by itself.
    expect(cleaner.pending()).toEqual([]);
    expect(deleted).toEqual([]);
    expect(await exists('still-full')).toBe(true);
    await client.delete(CONFIGMAPS, { namespace: 'still-full', name: 'left' });
    cleaner.schedule('still-full');
    clock.advance(DELAY - 1);
    expect(deleted).toEqual([]);
    clock.advance(1);
    await eventually(
      () => deleted.includes('still-full'),
      10_000,
      'namespace deleted a delay after the new plan',
    );
  });

  it('a cancelled or stopped clean-up never runs', async () => {
    const { clock, deleted, cleaner } = newCleaner();
    await namespace('cancelled', true);
    cleaner.schedule('cancelled');
    cleaner.cancel('cancelled');
    cleaner.schedule('cancelled');
    cleaner.stop();
    cleaner.schedule('cancelled');
    clock.advance(DELAY * 2);
    expect(await cleaner.clean('not-there')).toBe(false);
    expect(deleted).toEqual([]);
    expect(await exists('cancelled')).toBe(true);
  });
});
