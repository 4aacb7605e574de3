// Issue 14's upsync acceptance on real kcp v0.11: pods and persistent volumes created downstream with kcp's upsync
// labels appear in the workspace through kcp's upsyncer virtual workspace, with their status, follow their
// changes, and go away when deleted downstream, also while the agent was down. kcp v0.11 accepts pods from a
// kube 1.35 downstream only with a Pod schema of its own (why and how: kcp-pods-support.ts). No kubelet or PV
// controller runs downstream: the test writes status through the status subresource and ends a deletion as
// they would.
import {
  deleteVolume,
  downstreamNamespace,
  type KcpWorld,
  setVolumePhase,
  startKcpWorld,
  UPSYNC_RESOURCES,
  type Upsynced,
  upstreamVolume,
  upsyncedVolume,
  upsyncLabels,
  whileRunning,
} from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_API_IMPORT, syncPodsOnRealKcp } from './kcp-pods-support.js';
import { realKcpRuns } from './kcp-real-support.js';
import { waitFor } from './support.js';

const canRun = await realKcpRuns('the real-kcp upsync suite');

/** kcp's upsyncer VW serves pods and volumes once the SyncTarget syncs them (pkg/virtual/syncer/builder). */
const RESOURCES = ['services', ...UPSYNC_RESOURCES];
const THROUGHPUT_PVS = 30;

describe.runIf(canRun)('upsync on real kcp', () => {
  let world: KcpWorld;

  const upPv = (name: string) => upstreamVolume(world, name);
  const until = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
    whileRunning(() => world.syncer, waitFor(check, what, timeoutMs, 200));
  const createPv = async (name: string) => {
    const answer = await world.down('POST', '/api/v1/persistentvolumes', upsyncedVolume(world, name));
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as Upsynced;
  };
  const setPhase = (name: string, phase: string) => setVolumePhase(world, name, phase);
  const deletePv = (name: string) => deleteVolume(world, name);

  beforeAll(async () => {
    world = await startKcpWorld('agent', { resources: RESOURCES, workloadSyncArgs: [FAST_API_IMPORT] });
    await syncPodsOnRealKcp(world);
  }, 600_000);

  afterAll(async () => {
    await world?.stop();
  }, 60_000);

  it('upsyncs a labelled volume with kcp’s metadata and its status, follows status changes, deletes it upstream', async () => {
    const created = await createPv('pv-up');
    const available = await setPhase('pv-up', 'Available');
    await until('pv-up upstream with its status', async () => {
      const pv = await upPv('pv-up');
      return pv?.metadata.annotations?.['workload.kcp.io/rv'] === available.metadata.resourceVersion;
    });
    const up = (await upPv('pv-up')) as Upsynced;
    // kcp's prepareResourceForUpstream: the Upsync label stays, the ownership label and locator go, its finalizer.
    expect(up.metadata.labels).toEqual(upsyncLabels(world.syncTargetKey, false));
    expect(up.metadata.finalizers).toEqual([`workload.kcp.io/syncer-${world.syncTargetKey}`]);
    expect(up.metadata.annotations?.['kcp.io/namespace-locator']).toBeUndefined();
    expect(up.metadata.uid).not.toBe(created.metadata.uid);
    expect(up.spec).toMatchObject({ capacity: { storage: '1Gi' }, nfs: { server: '127.0.0.1' } });
    expect(up.status).toMatchObject({ phase: 'Available' });

    await setPhase('pv-up', 'Released');
    await until('pv-up Released upstream', async () => (await upPv('pv-up'))?.status?.phase === 'Released');

    // Without the Upsync label for this SyncTarget: never upsynced.
    const plain = upsyncedVolume(world, 'pv-plain');
    delete plain.metadata.labels?.[`state.workload.kcp.io/${world.syncTargetKey}`];
    expect((await world.down('POST', '/api/v1/persistentvolumes', plain)).status).toBe(201);

    await deletePv('pv-up');
    await until('pv-up gone upstream', async () => (await upPv('pv-up')) === undefined);
    expect(await upPv('pv-plain')).toBeUndefined();
  }, 180_000);

  it('upsyncs a labelled pod with its status, follows status changes, deletes it upstream', async () => {
    // A Service makes the agent create the downstream namespace of `default`, whose locator the upsyncer reads.
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80 }] },
    };
    expect((await world.up('POST', '/api/v1/namespaces/default/services', service)).status).toBe(201);
    let owned = '';
    await until('default synced down', async () => {
      owned = (await downstreamNamespace(world, 'default')) ?? '';
      return owned !== '';
    });
    const path = `/api/v1/namespaces/${owned}/pods`;
    const upPod = async () => {
      const answer = await world.up('GET', '/api/v1/namespaces/default/pods/pod-up');
      return answer.status === 200 ? (answer.body as Upsynced) : undefined;
    };
    const setPhase = async (phase: string) => {
      const current = (await world.down('GET', `${path}/pod-up`)).body as Upsynced;
      const answer = await world.down('PUT', `${path}/pod-up/status`, { ...current, status: { phase } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body as Upsynced;
    };
    const down = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod-up', labels: upsyncLabels(world.syncTargetKey, true) },
      spec: { containers: [{ name: 'main', image: 'registry.example/app:1' }] },
    };
    const created = await world.down('POST', path, down);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const running = await setPhase('Running');
    await until('pod-up upstream with its status', async () => {
      const pod = await upPod();
      return pod?.metadata.annotations?.['workload.kcp.io/rv'] === running.metadata.resourceVersion;
    });
    const up = (await upPod()) as Upsynced;
    expect(up.metadata.labels).toEqual(upsyncLabels(world.syncTargetKey, false));
    expect(up.metadata.finalizers).toEqual([`workload.kcp.io/syncer-${world.syncTargetKey}`]);
    expect(up.spec).toMatchObject({ containers: [{ name: 'main', image: 'registry.example/app:1' }] });
    expect(up.status).toMatchObject({ phase: 'Running' });

    await setPhase('Succeeded');
    await until('pod-up Succeeded upstream', async () => (await upPod())?.status?.phase === 'Succeeded');
    // Never scheduled, so the downstream pod goes at once, without a kubelet.
    expect((await world.down('DELETE', `${path}/pod-up`)).status).toBe(200);
    await until('pod-up gone upstream', async () => (await upPod()) === undefined);
  }, 180_000);

  it('holds a copy deleted upstream by its finalizer until the volume goes downstream', async () => {
    await createPv('pv-held');
    await until('pv-held upstream', async () => (await upPv('pv-held')) !== undefined);
    expect((await world.up('DELETE', '/api/v1/persistentvolumes/pv-held')).status).toBe(200);
    const held = await upPv('pv-held');
    // kcp's upsyncer never deletes downstream: the workspace's delete waits on the syncer's finalizer.
    expect(held?.metadata.deletionTimestamp).toBeDefined();
    expect(held?.metadata.finalizers).toEqual([`workload.kcp.io/syncer-${world.syncTargetKey}`]);
    expect((await world.down('GET', '/api/v1/persistentvolumes/pv-held')).status).toBe(200);
    await deletePv('pv-held');
    await until('pv-held gone upstream', async () => (await upPv('pv-held')) === undefined);
  }, 120_000);

  it('after a restart, resyncs: a volume deleted while the agent was down goes, one created meanwhile comes', async () => {
    await createPv('pv-kept');
    await createPv('pv-doomed');
    await until(
      'pv-kept and pv-doomed upstream',
      async () => (await upPv('pv-kept')) !== undefined && (await upPv('pv-doomed')) !== undefined,
    );
    await world.stopSyncer();
    await deletePv('pv-doomed');
    await createPv('pv-born');
    await world.startSyncer('agent');
    await until(
      'pv-doomed gone and pv-born upstream after the restart',
      async () => (await upPv('pv-doomed')) === undefined && (await upPv('pv-born')) !== undefined,
      120_000,
    );
    expect(await upPv('pv-kept')).toBeDefined();
  }, 240_000);

  it(`upsyncs ${THROUGHPUT_PVS} volumes created at once (the note’s throughput figure)`, async () => {
    const names = Array.from({ length: THROUGHPUT_PVS }, (_, i) => `pv-burst-${i}`);
    const started = Date.now();
    await Promise.all(names.map((name) => createPv(name)));
    await until(
      `${THROUGHPUT_PVS} volumes upstream`,
      async () => {
        const list = await world.up('GET', '/api/v1/persistentvolumes');
        const items = (list.body as { items?: Upsynced[] }).items ?? [];
        return names.every((name) => items.some((p) => p.metadata.name === name));
      },
      120_000,
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `upsync throughput: ${THROUGHPUT_PVS} volumes in ${seconds.toFixed(2)} s = ${(THROUGHPUT_PVS / seconds).toFixed(1)}/s`,
    );
  }, 180_000);
});
