import { timestamp } from '../api/meta.js';
import { cloneJson, isPlainObject, type KubeObject } from '../api/types.js';
import { matchesLabelSelectorObject } from '../store/selectors.js';
import type { InProcessClient } from './client.js';
import {
  annotateDeployment,
  bumpRevision,
  maxRevision,
  REVISION,
  revisionOf,
  runsTemplate,
} from './deployment-revisions.js';
import { createTemplatePod } from './pods.js';
import {
  controllerRef,
  isPodReady,
  liveObject,
  type Obj,
  type ObjectKey,
  ownedBy,
  recordEvent,
  spec,
  status,
  templateHash,
} from './shared.js';
import { writeStatusIfChanged } from './status-write.js';

const HASH = 'pod-template-hash';

function replicasOf(obj: KubeObject): number {
  const r = spec(obj).replicas;
  return typeof r === 'number' ? r : 1;
}

/** Deployments → ReplicaSets: one ReplicaSet per template, old ones scaled to zero; status follows. */
export function reconcileDeployment(client: InProcessClient, at: ObjectKey): void {
  const d = liveObject(client, 'apps', 'deployments', at);
  if (!d) return;
  const { cluster, namespace, name } = at;
  const s = spec(d);
  const template = cloneJson(s.template) as Obj | undefined;
  if (!template) return;
  const hash = templateHash(template);
  const owned = client.list(cluster, 'apps', 'replicasets', namespace).filter((rs) => ownedBy(rs, d));
  const current = owned.find((rs) => runsTemplate(rs, template));
  const rsName = current?.metadata.name ?? `${name}-${hash}`;
  const desired = replicasOf(d);
  if (current) bumpRevision(client, cluster, current, owned);
  if (!current) {
    createReplicaSet(client, cluster, d, template, { name: rsName, hash, desired, owned });
  } else if (replicasOf(current) !== desired) {
    const from = replicasOf(current);
    scaleReplicaSet(client, cluster, namespace, rsName, desired);
    scaledEvent(client, cluster, d, rsName, from, desired);
  }
  for (const old of owned) {
    if (old.metadata.name === rsName || replicasOf(old) === 0) continue;
    scaledEvent(client, cluster, d, old.metadata.name!, replicasOf(old), 0);
    scaleReplicaSet(client, cluster, namespace, old.metadata.name!, 0);
  }
  const all = client.list(cluster, 'apps', 'replicasets', namespace).filter((rs) => ownedBy(rs, d));
  const newest = all.find((rs) => rs.metadata.name === rsName);
  if (newest) annotateDeployment(client, cluster, d, revisionOf(newest));
  const next = deploymentStatus(d, all, rsName, desired);
  writeStatusIfChanged(client, cluster, 'apps', 'deployments', d, next, 'deployment-controller');
}

/** The ReplicaSet of a new template: `<deployment>-<hash>`, the next revision, scaled up at once. */
function createReplicaSet(
  client: InProcessClient,
  cluster: string,
  d: KubeObject,
  template: Obj,
  rs: { name: string; hash: string; desired: number; owned: KubeObject[] },
): KubeObject {
  const { name: rsName, hash, desired, owned } = rs;
  const namespace = d.metadata.namespace ?? '';
  const s = spec(d);
  const meta = (isPlainObject(template.metadata) ? template.metadata : {}) as Obj;
  const labels = { ...(meta.labels as Record<string, string> | undefined), [HASH]: hash };
  const selector = cloneJson((s.selector ?? {}) as Obj);
  selector.matchLabels = { ...(selector.matchLabels as Obj | undefined), [HASH]: hash };
  const created = client.create(
    cluster,
    'apps',
    'replicasets',
    namespace,
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace,
        labels,
        annotations: {
          [REVISION]: String(maxRevision(owned) + 1),
          'deployment.kubernetes.io/desired-replicas': String(desired),
        },
        ownerReferences: [controllerRef(d)],
      },
      spec: { replicas: desired, selector, template: { ...template, metadata: { ...meta, labels } } },
    },
    'deployment-controller',
  );
  recordEvent(
    client,
    cluster,
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled up replica set ${rsName} from 0 to ${desired}`,
    'deployment-controller',
  );
  return created;
}

function scaleReplicaSet(
  client: InProcessClient,
  cluster: string,
  namespace: string,
  name: string,
  replicas: number,
): void {
  client.mutate(cluster, 'apps', 'replicasets', namespace, name, 'deployment-controller', (rs) => {
    (rs.spec as Obj).replicas = replicas;
    return true;
  });
}

/** A Deployment's status from its ReplicaSets: counts (zeros omitted, as Go's omitempty does), Available, Progressing. */
function deploymentStatus(d: KubeObject, all: KubeObject[], rsName: string, desired: number): Obj {
  const sum = (field: string, list = all) => list.reduce((n, rs) => n + (Number(status(rs)[field]) || 0), 0);
  const fresh = all.filter((rs) => rs.metadata.name === rsName);
  const available = sum('availableReplicas');
  const now = timestamp();
  const complete = sum('readyReplicas', fresh) >= desired && sum('replicas') === desired;
  const next: Obj = {
    observedGeneration: d.metadata.generation,
    replicas: sum('replicas'),
    updatedReplicas: sum('replicas', fresh),
    readyReplicas: sum('readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, desired - available),
    conditions: [
      {
        type: 'Available',
        status: available >= desired ? 'True' : 'False',
        reason: available >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        message:
          available >= desired
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        message: complete
          ? `ReplicaSet "${rsName}" has successfully progressed.`
          : `ReplicaSet "${rsName}" is progressing.`,
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
    ],
  };
  for (const k of [
    'readyReplicas',
    'availableReplicas',
    'updatedReplicas',
    'unavailableReplicas',
    'replicas',
  ])
    if (next[k] === 0) delete next[k];
  return next;
}

function scaledEvent(
  client: InProcessClient,
  cluster: string,
  d: KubeObject,
  rsName: string,
  from: number,
  to: number,
): void {
  const how = to > from ? 'up' : 'down';
  const message = `Scaled ${how} replica set ${rsName} from ${from} to ${to}`;
  recordEvent(client, cluster, d, 'Normal', 'ScalingReplicaSet', message, 'deployment-controller');
}

/** ReplicaSets → Pods: create or delete pods to match replicas; status counts ready pods. */
export function reconcileReplicaSet(client: InProcessClient, at: ObjectKey): void {
  const rs = liveObject(client, 'apps', 'replicasets', at);
  if (!rs) return;
  const { cluster, namespace } = at;
  const s = spec(rs);
  const selector = s.selector as Parameters<typeof matchesLabelSelectorObject>[0];
  const pods = client
    .list(cluster, '', 'pods', namespace)
    .filter(
      (p) =>
        ownedBy(p, rs) &&
        !p.metadata.deletionTimestamp &&
        matchesLabelSelectorObject(selector, p.metadata.labels),
    );
  const desired = replicasOf(rs);
  const template = (s.template ?? {}) as Obj;
  for (let i = pods.length; i < desired; i++)
    createTemplatePod(client, cluster, rs, template, 'replicaset-controller');
  for (const extra of pods.slice(desired)) {
    client.delete(cluster, '', 'pods', namespace, extra.metadata.name!);
    recordEvent(
      client,
      cluster,
      rs,
      'Normal',
      'SuccessfulDelete',
      `Deleted pod: ${extra.metadata.name}`,
      'replicaset-controller',
    );
  }
  const live = pods.slice(0, desired);
  const ready = live.filter(isPodReady).length;
  const next: Obj = {
    replicas: live.length,
    fullyLabeledReplicas: live.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation,
  };
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
    if (next[k] === 0) delete next[k];
  writeStatusIfChanged(client, cluster, 'apps', 'replicasets', rs, next, 'replicaset-controller');
}
