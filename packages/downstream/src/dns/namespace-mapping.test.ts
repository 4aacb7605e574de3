import {
  type Clock,
  type GVR,
  type Informer,
  type InformerEvent,
  type KubeClient,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  NOOP_LOGGER,
  namespaceLocator,
  namespaceLocatorToJson,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { describe, expect, it, vi } from 'vitest';
import { DnsNamespaceMapping } from './namespace-mapping.js';

const syncTarget = { cluster: 'root:org', name: 'phys', uid: 'uid-1' };

function namespace(name: string, cluster: string, upstream: string, uid = syncTarget.uid): KubeObject {
  const locator = namespaceLocator(cluster, { ...syncTarget, uid }, upstream);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locator) } },
  };
}

function setup(failures = 0) {
  const objects: KubeObject[] = [];
  const observers: Array<(event: InformerEvent) => void> = [];
  const informer = {
    events$: {
      subscribe: (o: { next: (e: InformerEvent) => void }) => {
        observers.push(o.next);
        return { unsubscribe() {} };
      },
    },
    list: () => objects,
  } as unknown as Informer;
  const stored = new Map<string, KubeObject>();
  const writes: string[] = [];
  let failing = failures;
  const client = {
    async update(_gvr: GVR, object: KubeObject) {
      writes.push(`update ${object.metadata.name}`);
      if (failing-- > 0) throw new TmcError({ type: TmcErrorType.ServerError, message: 'boom' });
      if (!stored.has(object.metadata.name ?? ''))
        throw new TmcError({ type: TmcErrorType.NotFound, message: 'nf' });
      stored.set(object.metadata.name ?? '', object);
      return object;
    },
    async create(_gvr: GVR, object: KubeObject) {
      writes.push(`create ${object.metadata.name}`);
      stored.set(object.metadata.name ?? '', object);
      return object;
    },
  } as unknown as KubeClient;
  const timers: Array<() => void> = [];
  const clock: Clock = { now: () => 0, setTimeout: (cb) => timers.push(cb), clearTimeout: () => {} };
  const mapping = new DnsNamespaceMapping({
    client,
    namespaces: informer,
    syncTargetUid: syncTarget.uid,
    dnsNamespace: 'kcp-syncer-phys-1',
    nameFor: (cluster) => `dns-${cluster}`,
    clock,
    logger: NOOP_LOGGER,
  });
  const emit = (type: InformerEvent['type'], object: KubeObject) => {
    if (type === 'add') objects.push(object);
    for (const next of observers)
      next({
        type,
        object,
        key: {
          cluster: 'default',
          gvr: { group: '', version: 'v1', resource: 'namespaces' },
          namespace: '',
          name: object.metadata.name ?? '',
        },
      });
  };
  return { mapping, emit, stored, writes, timers };
}

describe('DnsNamespaceMapping (kcp: namespace_downstream_process.go, updateDNSConfigMap)', () => {
  it('maps each upstream namespace of a workspace to its downstream namespace, creating the ConfigMap once', async () => {
    const { mapping, emit, stored, writes } = setup();
    mapping.start();
    emit('add', namespace('kcp-aaa', 'ws1', 'default'));
    await vi.waitFor(() => expect(stored.get('dns-ws1')?.data).toEqual({ default: 'kcp-aaa' }));
    emit('add', namespace('kcp-bbb', 'ws1', 'demo'));
    emit('add', namespace('kcp-ccc', 'ws2', 'demo'));
    await vi.waitFor(() => {
      expect(stored.get('dns-ws1')?.data).toEqual({ default: 'kcp-aaa', demo: 'kcp-bbb' });
      expect(stored.get('dns-ws2')?.data).toEqual({ demo: 'kcp-ccc' });
    });
    expect(writes.filter((w) => w.startsWith('create'))).toEqual(['create dns-ws1', 'create dns-ws2']);
  });

  it('ignores namespaces of other SyncTargets and rewrites only when a namespace appears, as kcp', async () => {
    const { mapping, emit, writes } = setup();
    mapping.start();
    emit('add', namespace('kcp-xxx', 'ws1', 'default', 'other-uid'));
    const ours = namespace('kcp-aaa', 'ws1', 'default');
    emit('update', ours);
    emit('delete', ours);
    // A write starts synchronously with the event that asks for it (its first request is sent at once).
    expect(writes).toEqual([]);
  });

  it('retries a failed write with backoff', async () => {
    const { mapping, emit, stored, timers } = setup(1);
    mapping.start();
    emit('add', namespace('kcp-aaa', 'ws1', 'default'));
    await vi.waitFor(() => expect(timers).toHaveLength(1));
    expect(stored.size).toBe(0);
    timers[0]?.();
    await vi.waitFor(() => expect(stored.get('dns-ws1')?.data).toEqual({ default: 'kcp-aaa' }));
  });
});
