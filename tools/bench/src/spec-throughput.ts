import { decide, desiredHash } from '@kcp-tmc/downstream';
import {
  clusterKey,
  isTransformSkip,
  type KubeObject,
  SYNC_TARGET,
  type SyncContext,
  TRANSFORMATION_PIPELINE,
  type TransformationPipeline,
} from '@kcp-tmc/interfaces';
import { registerTransformation } from '@kcp-tmc/transformation';
import { container } from 'tsyringe';
import type { Benchmark } from './registry.js';
import {
  benchConfigMap,
  CONFIGMAPS,
  createNamespaces,
  inFlight,
  round,
  type SpecWorld,
  specAgent,
  startSpecWorld,
  syncSelected,
  until,
  WORKLOAD_CLUSTER,
} from './spec-support.js';

// Spec path in process (engine + transformation + conflict + downstream, kcp wildcard mode) against raw creates
// of the same objects into the same downstream simulator, in one run; then differ and transformation cost.

const SIZES = [1_000, 10_000];
const NAMESPACES = 10;
const WIDTH = 16;
const WORKERS = 16;
const MICRO_OBJECTS = 5_000;

async function throughput(w: SpecWorld, size: number): Promise<Record<string, unknown>> {
  const names = Array.from({ length: NAMESPACES }, (_, i) => `s${size}-${i}`);
  const rawNames = names.map((n) => `raw-${n}`);
  const at = (i: number, ns: string[]) => ns[i % ns.length] as string;

  await createNamespaces(w.downstreamClient, rawNames);
  const rawStart = performance.now();
  await inFlight(size, WIDTH, (i) =>
    w.downstreamClient.create(CONFIGMAPS, benchConfigMap(`cm-${i}`, at(i, rawNames), {}), {
      namespace: at(i, rawNames),
    }),
  );
  const rawMs = performance.now() - rawStart;

  // Upstream objects exist before the agent starts: the timed part is the spec path alone (initial list, queue,
  // transformation, namespace, diff, finalizer upstream, server-side apply downstream).
  await createNamespaces(w.upstreamClient, names, WORKLOAD_CLUSTER);
  await inFlight(size, WIDTH, (i) =>
    w.upstreamClient.create(CONFIGMAPS, benchConfigMap(`cm-${i}`, at(i, names), syncSelected(w.ref)), {
      cluster: WORKLOAD_CLUSTER,
      namespace: at(i, names),
    }),
  );
  const agent = specAgent(w, WORKERS);
  const start = performance.now();
  try {
    await agent.engine.start();
    await until(() => agent.syncer.applied >= size, `${size} applies`, 900_000);
  } finally {
    await agent.stop();
  }
  const specMs = performance.now() - start;
  const specPerSec = size / (specMs / 1000);
  const rawPerSec = size / (rawMs / 1000);
  const leftover = await w.downstreamClient.list(CONFIGMAPS, {}, { labelSelector: 'app=bench' });
  return {
    specObjectsPerSec: round(specPerSec, 0),
    rawCreatesPerSec: round(rawPerSec, 0),
    ratio: round(specPerSec / rawPerSec),
    specMs: round(specMs, 0),
    rawMs: round(rawMs, 0),
    failedApplies: agent.syncer.failed,
    downstreamObjects: leftover.items.length,
  };
}

function deployment(i: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `app-${i}`,
      namespace: 'team',
      uid: `uid-${i}`,
      resourceVersion: String(1000 + i),
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { app: `app-${i}`, tier: 'web' },
      annotations: { 'kcp.io/cluster': WORKLOAD_CLUSTER, note: 'x'.repeat(64) },
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1' }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: `app-${i}` } },
      template: {
        metadata: { labels: { app: `app-${i}` } },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'registry.example/app:1',
              env: [{ name: 'A', value: String(i) }],
              ports: [{ containerPort: 8080 }],
            },
          ],
        },
      },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
}

async function perObjectCosts(w: SpecWorld): Promise<Record<string, unknown>> {
  const c = container.createChildContainer();
  c.register(SYNC_TARGET, { useValue: w.ref });
  registerTransformation(c);
  const pipeline = c.resolve<TransformationPipeline>(TRANSFORMATION_PIPELINE);
  const objects = Array.from({ length: MICRO_OBJECTS }, (_, i) => deployment(i));
  const gvr = { group: 'apps', version: 'v1', resource: 'deployments' };
  const context = (o: KubeObject): SyncContext => ({
    direction: 'down',
    syncTarget: w.ref,
    cluster: WORKLOAD_CLUSTER,
    gvr,
    key: clusterKey(WORKLOAD_CLUSTER, gvr, 'team', o.metadata.name as string),
  });
  // Warm-up, so the figures are not the JIT's.
  for (const o of objects.slice(0, 500)) await pipeline.run(o, context(o));

  const desired: KubeObject[] = [];
  const t0 = performance.now();
  for (const o of objects) {
    const out = await pipeline.run(o, context(o));
    if (!isTransformSkip(out)) desired.push(out.object);
  }
  const transformMs = performance.now() - t0;

  const hashes = desired.map((d) => desiredHash(d));
  // A live object as it comes back: what we applied plus server fields and our hash annotation.
  const live = desired.map((d, i) => ({
    ...d,
    metadata: {
      ...d.metadata,
      resourceVersion: '7',
      uid: `down-${i}`,
      annotations: { ...d.metadata.annotations, 'workload.kcp-tmc.io/applied-hash': hashes[i] as string },
    },
    status: { replicas: 2 },
  }));
  const t1 = performance.now();
  let noops = 0;
  for (let i = 0; i < desired.length; i++) {
    const d = desired[i] as KubeObject;
    const hash = desiredHash(d);
    if (decide({ desired: d, hash, live: live[i], storedHash: hash }).action === 'noop') noops++;
  }
  const differMs = performance.now() - t1;
  return {
    objects: desired.length,
    transformUsPerObject: round((transformMs * 1000) / desired.length, 1),
    differUsPerObject: round((differMs * 1000) / desired.length, 1),
    differNoops: noops,
  };
}

export const specThroughput: Benchmark = {
  name: 'spec-throughput',
  description: `spec path in process (engine ${WORKERS} workers, kcp wildcard, server-side apply) vs raw creates (${WIDTH} in flight) of the same ConfigMaps into the same downstream simulator, ${SIZES.join(' and ')} objects; differ and transformation cost per Deployment`,
  async run() {
    const w = await startSpecWorld();
    try {
      const results: Record<string, unknown> = {};
      for (const size of SIZES) results[`objects${size}`] = await throughput(w, size);
      results.perObject = await perObjectCosts(w);
      return results;
    } finally {
      await w.stop();
    }
  },
};
