// tsyringe (imported by the transformers' decorators) needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { threeWayMerge } from '@kcp-tmc/conflict';
import {
  clusterKey,
  type GVR,
  gvr,
  isTransformSkip,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  type SyncContext,
  type SyncTargetRef,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import {
  AnnotationsTransformer,
  DefaultTransformationPipeline,
  LabelsTransformer,
  MetadataTransformer,
  NamespaceLocatorIndex,
  NamespaceTransformer,
  OwnerReferencesTransformer,
  PodSpecTransformer,
  RenamesTransformer,
  SecretsTransformer,
} from '@kcp-tmc/transformation';
import type { Benchmark } from './registry.js';

// Cost per object of what the spec path does to every object it looks at: the default transformation pipeline
// (down; and up, as the status path maps objects back), then the differ's two checks (hash of the canonical
// desired object against the state store's, and a deep compare with the last applied object), and the
// three-way merge of the conflict path. Each is measured on the same mixed corpus, interleaved over rounds, and
// set against a JSON round trip of the object (about what receiving it from the API server costs) in the same
// run; structuredClone is reported beside it for scale.
//
// The differ itself lives in @kcp-tmc/downstream, not written yet: the hash + deep-compare here is what its
// "unchanged hash means no write" check costs, with node:crypto and node:util, not its code.

const OBJECTS = 2000;
const ROUNDS = 7;
const REPEAT = 5;

const syncTarget: SyncTargetRef = {
  cluster: 'root:compute',
  name: 'west',
  uid: '0b4d1c2e-0000-4000-8000-00000000abcd',
  key: toSyncTargetKey('root:compute', 'west'),
};

interface Item {
  object: KubeObject;
  down: SyncContext;
  up: SyncContext;
}

function contextFor(resource: GVR, cluster: string, namespace: string, name: string): SyncContext {
  return {
    direction: 'down',
    syncTarget,
    cluster,
    gvr: resource,
    key: clusterKey(cluster, resource, namespace, name),
  };
}

function meta(i: number, namespace: string, cluster: string, generation?: number): KubeObject['metadata'] {
  return {
    name: `obj-${i}`,
    namespace,
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resourceVersion: String(10_000 + i),
    ...(generation === undefined ? {} : { generation }),
    creationTimestamp: '2024-05-01T10:00:00Z',
    labels: { app: `app-${i % 17}`, tier: 'backend', [`state.workload.kcp.io/${syncTarget.key}`]: 'Sync' },
    annotations: {
      'kcp.io/cluster': cluster,
      [`experimental.status.workload.kcp.io/${syncTarget.key}`]: '{"replicas":1}',
      'team.example.com/owner': `team-${i % 5}`,
    },
    finalizers: [`workload.kcp.io/syncer-${syncTarget.key}`],
    managedFields: [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-05-01T10:00:00Z' },
    ],
  };
}

function deployment(i: number, namespace: string, cluster: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(i, namespace, cluster, 1 + (i % 4)),
    spec: {
      replicas: 1 + (i % 3),
      selector: { matchLabels: { app: `app-${i % 17}` } },
      template: {
        metadata: { labels: { app: `app-${i % 17}`, tier: 'backend' } },
        spec: {
          containers: [
            {
              name: 'main',
              image: `registry.example/app-${i % 17}:1.${i % 9}`,
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'MODE', value: 'production' },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
              envFrom: [{ configMapRef: { name: `settings-${i % 7}` } }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              volumeMounts: [{ name: 'ca', mountPath: '/etc/ca' }],
            },
          ],
          volumes: [{ name: 'ca', configMap: { name: 'kube-root-ca.crt' } }],
        },
      },
    },
    status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 },
  };
}

function configMap(i: number, namespace: string, cluster: string): KubeObject {
  const data: Record<string, string> = {};
  for (let k = 0; k < 10; k++) data[`key-${k}`] = `value-${i}-${k}-${'x'.repeat(64)}`;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(i, namespace, cluster), data };
}

function secret(i: number, namespace: string, cluster: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: meta(i, namespace, cluster),
    data: {
      username: Buffer.from(`user-${i}`).toString('base64'),
      password: Buffer.from('p'.repeat(32)).toString('base64'),
    },
  };
}

function service(i: number, namespace: string, cluster: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(i, namespace, cluster),
    spec: {
      selector: { app: `app-${i % 17}` },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

const KINDS: ReadonlyArray<readonly [GVR, (i: number, ns: string, cluster: string) => KubeObject, number]> = [
  [gvr('apps', 'v1', 'deployments'), deployment, 4],
  [gvr('', 'v1', 'configmaps'), configMap, 3],
  [gvr('', 'v1', 'secrets'), secret, 1.5],
  [gvr('', 'v1', 'services'), service, 1.5],
];

function corpus(): { items: Item[]; index: NamespaceLocatorIndex } {
  const index = new NamespaceLocatorIndex();
  const weights = KINDS.reduce((sum, [, , w]) => sum + w, 0);
  const items: Item[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    // Deterministic spread over kinds (by weight), 3 logical clusters and 20 namespaces.
    const point = ((i * 7919) % 1000) / (1000 / weights);
    let upTo = 0;
    const [resource, make] =
      KINDS.find(([, , w]) => {
        upTo += w;
        return point < upTo;
      }) ?? (KINDS[0] as (typeof KINDS)[number]);
    const cluster = `root:org:ws-${i % 3}`;
    const namespace = `ns-${i % 20}`;
    const object = make(i, namespace, cluster);
    const down = contextFor(resource, cluster, namespace, `obj-${i}`);
    items.push({ object, down, up: { ...down, direction: 'up' } });
  }
  return { items, index };
}

function pipeline(index: NamespaceLocatorIndex): DefaultTransformationPipeline {
  return new DefaultTransformationPipeline([
    new SecretsTransformer(),
    new AnnotationsTransformer(),
    new MetadataTransformer(),
    new OwnerReferencesTransformer(),
    new RenamesTransformer(),
    new NamespaceTransformer(undefined, index),
    new LabelsTransformer(),
    new PodSpecTransformer(),
  ]);
}

function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** ns per object of `fn` over every item, `REPEAT` passes. */
async function time(items: readonly Item[], fn: (item: Item, i: number) => unknown): Promise<number> {
  globalThis.gc?.();
  const start = performance.now();
  for (let r = 0; r < REPEAT; r++) {
    for (let i = 0; i < items.length; i++) {
      const out = fn(items[i] as Item, i);
      if (out instanceof Promise) await out;
    }
  }
  return ((performance.now() - start) * 1e6) / (items.length * REPEAT);
}

async function run(): Promise<Record<string, unknown>> {
  const { items, index } = corpus();
  const down = pipeline(index);
  // The desired objects, the downstream namespaces' locators, and "existing" objects as the server returns them.
  const desired: KubeObject[] = [];
  for (const item of items) {
    const outcome = await down.run(item.object, item.down);
    if (isTransformSkip(outcome)) throw new Error(`unexpected skip: ${outcome.reason}`);
    desired.push(outcome.object);
    const ns = outcome.object.metadata.namespace as string;
    if (index.locatorOf(ns) === undefined) {
      const locator = namespaceLocator(item.down.cluster, syncTarget, item.down.key.namespace);
      index.upsert({
        metadata: {
          name: ns,
          annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locator) },
        },
      });
    }
  }
  // As the server returns them: server fields, status, and a label another controller added.
  const existing = desired.map((d, i) => ({
    ...structuredClone(d),
    metadata: {
      ...structuredClone(d.metadata),
      uid: `down-${i}`,
      resourceVersion: String(i),
      generation: 1,
      labels: { ...d.metadata.labels, 'other-controller.example/seen': 'true' },
    },
    status: { observed: true },
  }));
  // The differ's common case, a resync of an unchanged object: equal to the last applied one, compared in full.
  const lastApplied = desired.map((d) => structuredClone(d));
  // The conflict path: what we applied before the upstream changed one deep field (an image, or a data value).
  const previous = desired.map((d) => {
    const copy = structuredClone(d) as KubeObject & { data?: Record<string, string> };
    const container = (
      copy.spec as { template?: { spec: { containers: Array<{ image: string }> } } } | undefined
    )?.template?.spec.containers[0];
    if (container !== undefined) container.image = `${container.image}-previous`;
    else if (copy.data !== undefined) copy.data = { ...copy.data, previous: 'true' };
    else copy.metadata = { ...copy.metadata, labels: { ...copy.metadata.labels, previous: 'true' } };
    return copy;
  });
  const hashes = desired.map((d) => createHash('sha256').update(canonical(d)).digest('hex'));
  const upItems = items.map((item, i) => ({ ...item, object: existing[i] as KubeObject }));

  const scenarios: Record<string, (item: Item, i: number) => unknown> = {
    jsonRoundTripBaseline: (item) => JSON.parse(JSON.stringify(item.object)),
    structuredClone: (item) => structuredClone(item.object),
    pipelineDown: (item) => down.run(item.object, item.down),
    diffHash: (_item, i) => createHash('sha256').update(canonical(desired[i])).digest('hex') === hashes[i],
    diffDeepEqual: (_item, i) => isDeepStrictEqual(desired[i], lastApplied[i]),
    threeWayMerge: (_item, i) =>
      threeWayMerge(desired[i] as KubeObject, existing[i] as KubeObject, previous[i]),
  };
  const samples: Record<string, number[]> = { pipelineUp: [] };
  for (const name of Object.keys(scenarios)) samples[name] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(scenarios)) samples[name]?.push(await time(items, fn));
    samples.pipelineUp?.push(await time(upItems, (item) => down.run(item.object, item.up)));
  }
  const ns = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v))]));
  const baseline = ns.jsonRoundTripBaseline as number;
  const ratio = (value: number) => Number((value / baseline).toFixed(2));
  const transformAndDiff = (ns.pipelineDown as number) + (ns.diffHash as number);
  return {
    objects: OBJECTS,
    rounds: ROUNDS,
    mix: 'Deployments 40%, ConfigMaps 30%, Secrets 15%, Services 15%; 3 logical clusters, 20 namespaces',
    nsPerObject: { ...ns, transformAndDiffHash: transformAndDiff },
    ratioToJsonRoundTrip: Object.fromEntries(
      Object.entries({ ...ns, transformAndDiffHash: transformAndDiff })
        .filter(([k]) => k !== 'jsonRoundTripBaseline')
        .map(([k, v]) => [k, ratio(v)]),
    ),
    objectsPerSecond: { transformAndDiffHash: Math.round(1e9 / transformAndDiff) },
  };
}

export const transformPipeline: Benchmark = {
  name: 'transform-pipeline',
  description: `Per-object cost of the default transformation pipeline (down and up), the differ's hash and deep-equal checks, and the conflict path's three-way merge, on ${OBJECTS} mixed objects (medians of ${ROUNDS} interleaved rounds), as ratios to a JSON round trip of the same objects in the same run.`,
  run,
};
