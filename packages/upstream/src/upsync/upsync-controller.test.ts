import {
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeClient,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  stateLabel,
  syncerFinalizer,
  TmcError,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
} from '@kcp-tmc/interfaces';
import { SharedInformerFactory } from '@kcp-tmc/kube';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { waitFor } from '@kcp-tmc/testing/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMESPACES, PODS, simulatorClient, UPSYNC_WORLD } from '../../test/support/upsync.js';
import { UpsyncController } from './upsync-controller.js';

// The upsyncer end to end over HTTP: a plain simulator as the downstream cluster, the simulator in kcp mode as the
// upsyncer virtual workspace. Pods created downstream with the Upsync label appear upstream with their status,
// follow their changes, go away when deleted downstream, and a restarted controller cleans up what went away.

const { workspace: WS, target: TARGET, physicalNamespace: PHYSICAL } = UPSYNC_WORLD;

let up: KubeSimulator;
let down: KubeSimulator;
let upstream: KubeClient;
let downstream: KubeClient;

/** The downstream whose namespace lists answer late, so its pod informer lists first. */
function slowNamespaces(client: KubeClient): KubeClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'list') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<KubeClient['list']>) => {
        if (args[0].resource === 'namespaces') await new Promise((r) => setTimeout(r, 300));
        return target.list(...args);
      };
    },
  });
}

function controller(down: KubeClient = downstream): { controller: UpsyncController; stop(): Promise<void> } {
  const upstreamInformers = new SharedInformerFactory(upstream);
  const downstreamInformers = new SharedInformerFactory(down, { useClusterAnnotation: false });
  const c = new UpsyncController({ upstream, upstreamInformers, downstreamInformers, syncTarget: TARGET });
  return {
    controller: c,
    stop: async () => {
      await c.stop();
      await Promise.all([upstreamInformers.stop(), downstreamInformers.stop()]);
    },
  };
}

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: PHYSICAL,
    labels: { [DOWNSTREAM_CLUSTER_LABEL]: TARGET.key, [stateLabel(TARGET.key)]: 'Upsync' },
  },
  spec: { containers: [{ name: 'web', image: 'nginx' }] },
});

async function upstreamPod(name: string): Promise<KubeObject | undefined> {
  try {
    return await upstream.get(PODS, { cluster: WS, namespace: 'demo', name });
  } catch (err) {
    if (err instanceof TmcError && err.type === 'NotFound') return undefined;
    throw err;
  }
}

const eventually = <T>(what: string, check: () => Promise<T | undefined>) =>
  waitFor(what, check, { timeoutMs: 15_000, intervalMs: 25 });

beforeAll(async () => {
  [up, down] = await Promise.all([startKubeSimulator({ kcp: { clusters: [WS] } }), startKubeSimulator()]);
  upstream = simulatorClient(up.url);
  downstream = simulatorClient(down.url);
  await upstream.create(
    NAMESPACES,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
    { cluster: WS },
  );
  await downstream.create(NAMESPACES, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: PHYSICAL,
      labels: { [DOWNSTREAM_CLUSTER_LABEL]: TARGET.key },
      annotations: {
        [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(namespaceLocator(WS, TARGET, 'demo')),
      },
    },
  });
});

afterAll(async () => {
  await Promise.all([up?.stop(), down?.stop()]);
});

describe('UpsyncController', () => {
  it('upsyncs a labelled downstream pod with its status, follows it, and deletes it upstream when deleted downstream', async () => {
    const running = controller();
    await running.controller.start();
    try {
      const created = await downstream.create(PODS, pod('web-1'), { namespace: PHYSICAL });
      // Not labelled: stays downstream.
      await downstream.create(
        PODS,
        { ...pod('other'), metadata: { name: 'other', namespace: PHYSICAL } },
        { namespace: PHYSICAL },
      );
      await downstream.create(
        PODS,
        {
          ...pod('unowned'),
          metadata: { name: 'unowned', namespace: PHYSICAL, labels: { [stateLabel(TARGET.key)]: 'Upsync' } },
        },
        { namespace: PHYSICAL },
      );
      // kcp's order with a status: create, status, then the downstream version recorded.
      const first = await eventually('web-1 upstream, its version recorded', async () => {
        const p = await upstreamPod('web-1');
        return p?.metadata.annotations?.[UPSYNC_RESOURCE_VERSION_ANNOTATION] === undefined ? undefined : p;
      });
      expect(first.metadata.finalizers).toEqual([syncerFinalizer(TARGET.key)]);
      expect(first.metadata.annotations?.[UPSYNC_RESOURCE_VERSION_ANNOTATION]).toBe(
        created.metadata.resourceVersion,
      );

      await downstream.updateStatus(
        PODS,
        { ...created, status: { phase: 'Running', podIP: '10.0.0.9' } },
        { namespace: PHYSICAL },
      );
      const withStatus = await eventually('status upstream', async () => {
        const p = await upstreamPod('web-1');
        return (p?.status as { phase?: string } | undefined)?.phase === 'Running' ? p : undefined;
      });
      expect(withStatus.status).toMatchObject({ podIP: '10.0.0.9' });
      expect(await upstreamPod('other')).toBeUndefined();
      // kcp's downstream informers select its ownership label (pkg/syncer/syncer.go): the Upsync label alone is not enough.
      expect(await upstreamPod('unowned')).toBeUndefined();

      await downstream.delete(PODS, { namespace: PHYSICAL, name: 'web-1' });
      await eventually('web-1 gone upstream', async () =>
        (await upstreamPod('web-1')) === undefined ? true : undefined,
      );
    } finally {
      await running.stop();
    }
  });

  it('upsyncs a pod that existed before it started, even when its namespace lists last', async () => {
    await downstream.create(PODS, pod('web-3'), { namespace: PHYSICAL });
    const running = controller(slowNamespaces(downstream));
    await running.controller.start();
    try {
      await eventually('web-3 upstream', () => upstreamPod('web-3'));
    } finally {
      await running.stop();
    }
  });

  it('after a restart, deletes the upstream copy of a pod deleted downstream while it was stopped', async () => {
    const first = controller();
    await first.controller.start();
    await downstream.create(PODS, pod('web-2'), { namespace: PHYSICAL });
    await eventually('web-2 upstream', () => upstreamPod('web-2'));
    await first.stop();

    await downstream.delete(PODS, { namespace: PHYSICAL, name: 'web-2' });
    const second = controller();
    await second.controller.start();
    try {
      await eventually('web-2 gone upstream', async () =>
        (await upstreamPod('web-2')) === undefined ? true : undefined,
      );
    } finally {
      await second.stop();
    }
  });
});
