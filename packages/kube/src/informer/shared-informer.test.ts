import {
  clusterKey,
  gvr,
  type InformerEvent,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { serverSide } from '@kcp-tmc/testing/kit';
import type { Subscription } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type TestClient } from '../../test/support/clients.js';
import { waitFor } from '../../test/support/wait.js';
import type { InformerConfig } from './config.js';
import { SharedInformerFactory } from './factory.js';
import { labelIndexFunc } from './indexers.js';
import { SharedInformer } from './shared-informer.js';

const configmaps = gvr('', 'v1', 'configmaps');
const namespaces = gvr('', 'v1', 'namespaces');

let sim: KubeSimulator;
let t: TestClient;
const cleanup: (() => Promise<void> | void)[] = [];

// Fast backoff so restart tests take milliseconds; the watchdog is off unless a test turns it on.
const FAST: InformerConfig = {
  useClusterAnnotation: false,
  clusterName: 'plain',
  backoff: { initialMs: 20, maxMs: 100 },
  staleAfterMs: 60_000,
};

beforeAll(async () => {
  sim = await startKubeSimulator();
  t = clientFor(sim.kubeconfig);
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});
afterEach(async () => {
  sim.faults.clearRules();
  sim.faults.resume();
  await sim.faults.heal();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

let nsCounter = 0;
async function freshNamespace(): Promise<string> {
  const name = `inf-${++nsCounter}`;
  await t.client.create(namespaces, { metadata: { name } });
  return name;
}

function cm(
  name: string,
  namespace: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    data,
  };
}

/** Starts an informer, records its events, and stops it after the test. */
function watchInformer(informer: SharedInformer): InformerEvent[] {
  const events: InformerEvent[] = [];
  const sub: Subscription = informer.events$.subscribe({ next: (e) => events.push(e) });
  informer.start();
  cleanup.push(async () => {
    sub.unsubscribe();
    await informer.stop();
  });
  return events;
}

const summary = (events: InformerEvent[]) => events.map((e) => `${e.type}:${e.key.name}`);
const names = (objects: KubeObject[]) => objects.map((o) => o.metadata.name).sort();

describe('SharedInformer', () => {
  it('lists, then follows adds, updates (with the old object) and deletes', async () => {
    const ns = await freshNamespace();
    await t.client.create(configmaps, cm('a', ns), { namespace: ns });
    await t.client.create(configmaps, cm('b', ns), { namespace: ns });
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, FAST);
    const events = watchInformer(informer);
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    expect(summary(events).sort()).toEqual(['add:a', 'add:b']);

    await t.client.create(configmaps, cm('c', ns), { namespace: ns });
    const before = informer.get(clusterKey('plain', configmaps, ns, 'a'));
    await t.client.patch(configmaps, { namespace: ns, name: 'a' }, 'merge', { data: { v: '2' } });
    await t.client.delete(configmaps, { namespace: ns, name: 'b' });
    await waitFor(() => events.length === 5, 'three more events');
    expect(summary(events.slice(2))).toEqual(['add:c', 'update:a', 'delete:b']);
    const update = events[3] as InformerEvent;
    expect(update.oldObject).toBe(before);
    expect(update.object.data).toEqual({ v: '2' });
    expect(update.key).toEqual(clusterKey('plain', configmaps, ns, 'a'));
    expect(names(informer.list())).toEqual(['a', 'c']);
    expect(informer.get(clusterKey('plain', configmaps, ns, 'a'))).toBe(update.object);
  });

  it('caches objects without managedFields, from the list and from the watch', async () => {
    const ns = await freshNamespace();
    await t.client.create(configmaps, cm('listed', ns), { namespace: ns });
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, FAST);
    const events = watchInformer(informer);
    await informer.waitForSync();
    await t.client.create(configmaps, cm('watched', ns), { namespace: ns });
    await waitFor(() => events.length === 2, 'the watched add');
    const server = await t.client.get(configmaps, { namespace: ns, name: 'watched' });
    expect(server.metadata.managedFields?.length).toBeGreaterThan(0);
    for (const name of ['listed', 'watched']) {
      const cached = informer.get(clusterKey('plain', configmaps, ns, name));
      expect(cached?.metadata.name).toBe(name);
      expect(cached?.metadata).not.toHaveProperty('managedFields');
    }
  });

  it('resumes from the last resourceVersion when the watch drops, without relisting', async () => {
    const ns = await freshNamespace();
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, FAST);
    const events = watchInformer(informer);
    await informer.waitForSync();
    await t.client.create(configmaps, cm('before-drop', ns), { namespace: ns });
    await waitFor(() => events.length === 1, 'first add');
    expect(sim.faults.dropWatches()).toBeGreaterThan(0);
    await t.client.create(configmaps, cm('after-drop', ns), { namespace: ns });
    await waitFor(() => events.length === 2, 'add after the drop');
    expect(summary(events)).toEqual(['add:before-drop', 'add:after-drop']);
    expect(informer.stats.lists).toBe(1);
    expect(informer.stats.watches).toBeGreaterThanOrEqual(2);
  });

  it('relists on 410 after compaction and emits exactly the missed changes', async () => {
    const ns = await freshNamespace();
    const server = serverSide<KubeObject>(sim, configmaps);
    for (const name of ['keep', 'change', 'remove']) server.create(cm(name, ns));
    // The resourceVersion each list asks for: any cached one at first (client-go's "0"), the latest after a 410.
    const listedAt: Array<string | undefined> = [];
    const client = new Proxy(t.client, {
      get(target, prop, receiver) {
        if (prop !== 'list') return Reflect.get(target, prop, receiver);
        return (...args: Parameters<KubeClient['list']>) => {
          listedAt.push(args[2]?.resourceVersion);
          return target.list(...args);
        };
      },
    });
    const informer = new SharedInformer(client, { gvr: configmaps, namespace: ns }, FAST);
    const events = watchInformer(informer);
    await informer.waitForSync();
    const changeBefore = informer.get(clusterKey('plain', configmaps, ns, 'change'));

    // Hold new requests, cut the watch, change things server-side, and compact the history the informer
    // would resume from: when requests flow again its watch gets 410 and only a relist can catch up.
    sim.faults.pause();
    sim.faults.dropWatches();
    server.create(cm('new', ns));
    server.update({ ...(changeBefore as KubeObject), data: { changed: 'yes' } });
    server.delete(ns, 'remove');
    sim.faults.compact();
    sim.faults.resume();

    await waitFor(() => informer.stats.lists === 2 && events.length === 6, 'relist diff');
    expect(informer.stats.goneRelists).toBe(1);
    expect(listedAt).toEqual(['0', undefined]);
    expect(summary(events.slice(3)).sort()).toEqual(['add:new', 'delete:remove', 'update:change']);
    const update = events.find((e) => e.type === 'update') as InformerEvent;
    expect(update.oldObject).toBe(changeBefore);
    expect(update.object.data).toEqual({ changed: 'yes' });
    expect(names(informer.list())).toEqual(['change', 'keep', 'new']);
  });

  it('backs off and restarts after errors, then resumes, saying why once per cause', async () => {
    const ns = await freshNamespace();
    const lines: string[] = [];
    const logger: Logger = {
      error: (msg) => lines.push(`error ${msg}`),
      warn: (msg, fields) => lines.push(`warn ${msg}: ${String(fields?.error)}`),
      info: (msg) => lines.push(`info ${msg}`),
      debug: () => {},
      child: () => logger,
    };
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, { ...FAST, logger });
    const events = watchInformer(informer);
    await informer.waitForSync();
    sim.faults.addRule({ verb: 'watch', resource: 'configmaps', status: 500, rate: 1 });
    sim.faults.dropWatches();
    await waitFor(() => informer.stats.failures >= 3, 'three failed watch attempts');
    expect(informer.stats.lastError?.type).toBe('ServerError');
    expect(informer.lastError()).toMatch(/injected fault/);
    sim.faults.clearRules();
    await t.client.create(configmaps, cm('after-errors', ns), { namespace: ns });
    await waitFor(() => events.length === 1, 'add after recovery');
    expect(informer.stats.lists).toBe(1);
    expect(informer.lastError()).toBeUndefined();
    expect(lines.filter((line) => !line.startsWith('info resourceVersion'))).toEqual([
      expect.stringMatching(/^warn list\/watch failed, backing off: .*injected fault/),
      'info list/watch recovered',
    ]);
  });

  it('restarts through a network partition', async () => {
    const ns = await freshNamespace();
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, FAST);
    const events = watchInformer(informer);
    await informer.waitForSync();
    await sim.faults.partition('refuse');
    sim.faults.dropWatches();
    serverSide<KubeObject>(sim, configmaps).create(cm('during-partition', ns));
    await waitFor(() => informer.stats.failures >= 1, 'a refused reconnect');
    expect(informer.stats.lastError?.type).toBe('ClusterUnreachable');
    await sim.faults.heal();
    await waitFor(() => events.length === 1, 'the change made during the partition');
    expect(summary(events)).toEqual(['add:during-partition']);
  });

  it('retries an unreachable server every second at most, not on the doubling backoff', async () => {
    const ns = await freshNamespace();
    const backoff = { initialMs: 400, maxMs: 30_000, jitter: 0 };
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, { ...FAST, backoff });
    const events = watchInformer(informer);
    await informer.waitForSync();
    await sim.faults.partition('refuse');
    sim.faults.dropWatches();
    // On the doubling backoff the fifth attempt would come 400 * 2^4 = 6.4 s after the fourth.
    await waitFor(() => informer.stats.failures >= 4, 'four refused attempts', { timeoutMs: 10_000 });
    serverSide<KubeObject>(sim, configmaps).create(cm('after-heal', ns));
    await sim.faults.heal();
    await waitFor(() => events.length === 1, 'the change, within the capped delay', { timeoutMs: 2_500 });
    expect(summary(events)).toEqual(['add:after-heal']);
  });

  it('restarts a watch that went silent (staleness watchdog)', async () => {
    const ns = await freshNamespace();
    const informer = new SharedInformer(
      t.client,
      { gvr: configmaps, namespace: ns },
      { ...FAST, staleAfterMs: 150 },
    );
    const events = watchInformer(informer);
    await informer.waitForSync();
    // An event proves the watch stream is open; then a paused server sends nothing more on it.
    await t.client.create(configmaps, cm('before-silence', ns), { namespace: ns });
    await waitFor(() => events.length === 1, 'watch is streaming');
    sim.faults.pause();
    await waitFor(() => informer.stats.staleRestarts >= 1, 'a stale restart');
    sim.faults.resume();
    await t.client.create(configmaps, cm('after-stale', ns), { namespace: ns });
    await waitFor(() => events.length === 2, 'add after the restart');
    expect(informer.stats.lists).toBe(1);
  });

  it('re-emits every cached object on resync', async () => {
    const ns = await freshNamespace();
    await t.client.create(configmaps, cm('r1', ns), { namespace: ns });
    await t.client.create(configmaps, cm('r2', ns), { namespace: ns });
    const informer = new SharedInformer(
      t.client,
      { gvr: configmaps, namespace: ns, resyncPeriodMs: 50 },
      FAST,
    );
    const events = watchInformer(informer);
    await waitFor(() => events.filter((e) => e.resync).length >= 4, 'two resync rounds');
    const resync = events.filter((e) => e.resync);
    for (const e of resync) {
      expect(e.type).toBe('update');
      expect(e.oldObject).toBe(e.object);
    }
    expect(new Set(resync.map((e) => e.key.name))).toEqual(new Set(['r1', 'r2']));
  });

  it('applies label and field selectors to list and watch', async () => {
    const ns = await freshNamespace();
    await t.client.create(configmaps, cm('web-1', ns, {}, { app: 'web' }), { namespace: ns });
    await t.client.create(configmaps, cm('db-1', ns, {}, { app: 'db' }), { namespace: ns });
    const byLabel = new SharedInformer(
      t.client,
      { gvr: configmaps, namespace: ns, labelSelector: 'app=web' },
      FAST,
    );
    const byField = new SharedInformer(
      t.client,
      { gvr: configmaps, namespace: ns, fieldSelector: 'metadata.name=db-2' },
      FAST,
    );
    const labelEvents = watchInformer(byLabel);
    const fieldEvents = watchInformer(byField);
    await byLabel.waitForSync();
    await byField.waitForSync();
    await t.client.create(configmaps, cm('web-2', ns, {}, { app: 'web' }), { namespace: ns });
    await t.client.create(configmaps, cm('db-2', ns, {}, { app: 'db' }), { namespace: ns });
    await waitFor(() => labelEvents.length === 2 && fieldEvents.length === 1, 'selected events');
    expect(summary(labelEvents)).toEqual(['add:web-1', 'add:web-2']);
    expect(summary(fieldEvents)).toEqual(['add:db-2']);
    expect(names(byLabel.list())).toEqual(['web-1', 'web-2']);
  });

  it('indexes by namespace, cluster and custom index functions', async () => {
    const ns1 = await freshNamespace();
    const ns2 = await freshNamespace();
    await t.client.create(configmaps, cm('x', ns1, {}, { team: 'blue' }), { namespace: ns1 });
    await t.client.create(configmaps, cm('y', ns2, {}, { team: 'blue' }), { namespace: ns2 });
    await t.client.create(configmaps, cm('z', ns2, {}, { team: 'red' }), { namespace: ns2 });
    const informer = new SharedInformer(
      t.client,
      { gvr: configmaps, labelSelector: 'team', indexers: { team: labelIndexFunc('team') } },
      FAST,
    );
    watchInformer(informer);
    await informer.waitForSync();
    expect(names(informer.byIndex('namespace', ns2))).toEqual(['y', 'z']);
    expect(names(informer.byIndex('team', 'blue'))).toEqual(['x', 'y']);
    expect(names(informer.byIndex('cluster', 'plain'))).toEqual(['x', 'y', 'z']);
  });

  it('replays the cache as adds to a late subscriber, then streams live events', async () => {
    const ns = await freshNamespace();
    await t.client.create(configmaps, cm('early', ns), { namespace: ns });
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, FAST);
    watchInformer(informer);
    await informer.waitForSync();
    const late: InformerEvent[] = [];
    const sub = informer.events$.subscribe({ next: (e) => late.push(e) });
    cleanup.push(() => sub.unsubscribe());
    expect(summary(late)).toEqual(['add:early']);
    await t.client.create(configmaps, cm('live', ns), { namespace: ns });
    await waitFor(() => late.length === 2, 'live add');
    expect(summary(late)).toEqual(['add:early', 'add:live']);
  });

  it('stops: waitForSync rejects on abort, events complete', async () => {
    const ns = await freshNamespace();
    const informer = new SharedInformer(t.client, { gvr: configmaps, namespace: ns }, FAST);
    const aborted = new AbortController();
    const waiting = informer.waitForSync(aborted.signal);
    aborted.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    let completed = false;
    informer.events$.subscribe({ complete: () => (completed = true) });
    informer.start();
    await informer.waitForSync();
    await informer.stop();
    expect(completed).toBe(true);
    expect(() => informer.start()).toThrow(/stopped/);
  });
});

describe('SharedInformerFactory', () => {
  it('shares one informer per watch and merges indexers; release stops it', async () => {
    const factory = new SharedInformerFactory(t.client, FAST);
    cleanup.push(() => factory.stop());
    const a = factory.informerFor({ gvr: configmaps, namespace: 'default' });
    const b = factory.informerFor({
      gvr: configmaps,
      namespace: 'default',
      indexers: { app: labelIndexFunc('app') },
    });
    const other = factory.informerFor({ gvr: configmaps, namespace: 'kube-system' });
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    expect(a.byIndex('app', 'none')).toEqual([]);
    a.start();
    await a.waitForSync();
    await factory.release({ gvr: configmaps, namespace: 'default' });
    expect(() => a.start()).toThrow(/stopped/);
    expect(factory.informerFor({ gvr: configmaps, namespace: 'default' })).not.toBe(a);
  });

  it('keys an options object once: asked again, released through it, then asked anew', async () => {
    const factory = new SharedInformerFactory(t.client, FAST);
    cleanup.push(() => factory.stop());
    const options = { gvr: configmaps, namespace: 'default' };
    const first = factory.informerFor(options);
    expect(factory.informerFor(options)).toBe(first);
    expect(factory.informerFor({ ...options })).toBe(first);
    await factory.release(options);
    const second = factory.informerFor(options);
    expect(second).not.toBe(first);
    expect(factory.informerFor({ ...options })).toBe(second);
  });
});
