import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject } from '@kcp-tmc/interfaces';
import { KARMADA_RETAIN_REPLICAS_LABEL, RETAIN_REPLICAS_ANNOTATION } from '../constants.js';
import { child, keepIfUnset, record } from './fields.js';
import type { RetainInput, RetentionRule } from './rule.js';

type Spec = Record<string, unknown>;

function spec(object: KubeObject): Spec | undefined {
  return record(object.spec);
}

interface SpecRule {
  readonly name: string;
  readonly kind: string;
  readonly group: string;
  /** Edits the desired spec (when there is one) before hashing. */
  readonly clear?: (want: Spec) => void;
  /** Keeps values of the live spec (skipped when the live object has none) in the desired one. */
  readonly retain: (want: Spec, live: Spec, input: RetainInput) => void;
}

/** A rule over `spec`: every built-in rule of a kind reads and edits only the spec. */
function specRule(rule: SpecRule): RetentionRule {
  const { clear } = rule;
  return {
    name: rule.name,
    kind: rule.kind,
    group: rule.group,
    ...(clear === undefined
      ? {}
      : {
          clear(desired: KubeObject) {
            const want = spec(desired);
            if (want !== undefined) clear(want);
          },
        }),
    retain(input) {
      const live = spec(input.live);
      if (live !== undefined) rule.retain(child(input.desired as Spec, 'spec'), live, input);
    },
  };
}

/** A rule keeping one field of the live spec that the desired spec leaves unset. */
function keepSpecField(name: string, kind: string, field: string): RetentionRule {
  return specRule({ name, kind, group: '', retain: (want, live) => keepIfUnset(want, live, field) });
}

/** Service: the allocated clusterIP(s), healthCheckNodePort, and each port's nodePort (matched by name+protocol+port). */
export const serviceRule: RetentionRule = specRule({
  name: 'service-allocations',
  kind: 'Service',
  group: '',
  clear(want) {
    // A headless service's `None` is a choice, not an allocation.
    if (want.clusterIP !== 'None') {
      delete want.clusterIP;
      delete want.clusterIPs;
    }
    delete want.healthCheckNodePort;
    if (Array.isArray(want.ports)) {
      want.ports = want.ports.map((port) => {
        const p = record(port);
        if (p === undefined) return port;
        const { nodePort: _allocated, ...rest } = p;
        return rest;
      });
    }
  },
  retain(want, live) {
    keepIfUnset(want, live, 'clusterIP');
    keepIfUnset(want, live, 'clusterIPs');
    // A service that stops being a LoadBalancer/NodePort must lose its node ports; only keep them while wanted.
    if (want.type === live.type || want.type === undefined) keepIfUnset(want, live, 'healthCheckNodePort');
    const livePorts = Array.isArray(live.ports) ? live.ports.map(record) : [];
    if (!Array.isArray(want.ports) || want.type === 'ClusterIP') return;
    for (const port of want.ports) {
      const p = record(port);
      if (p === undefined || p.nodePort !== undefined) continue;
      const protocol = p.protocol ?? 'TCP';
      const match = livePorts.find(
        (l) =>
          l !== undefined &&
          (l.name ?? '') === (p.name ?? '') &&
          (l.protocol ?? 'TCP') === protocol &&
          l.port === p.port,
      );
      if (match?.nodePort !== undefined) p.nodePort = match.nodePort;
    }
  },
});

/** PersistentVolumeClaim: the bound volume. */
export const pvcRule: RetentionRule = keepSpecField('pvc-volume-name', 'PersistentVolumeClaim', 'volumeName');

/** PersistentVolume: the claim it is bound to. */
export const pvRule: RetentionRule = keepSpecField('pv-claim-ref', 'PersistentVolume', 'claimRef');

const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

/** Job: the generated selector and the controller-uid labels of its template (both immutable). */
export const jobRule: RetentionRule = specRule({
  name: 'job-selector',
  kind: 'Job',
  group: 'batch',
  clear(want) {
    if (want.manualSelector === true) return;
    delete want.selector;
    const labels = record(record(record(want.template)?.metadata)?.labels);
    if (labels === undefined) return;
    for (const key of [...CONTROLLER_UID_LABELS, 'job-name', 'batch.kubernetes.io/job-name'])
      delete labels[key];
  },
  retain(want, live) {
    keepIfUnset(want, live, 'selector');
    keepIfUnset(want, live, 'manualSelector');
    const liveLabels = record(record(record(live.template)?.metadata)?.labels);
    if (liveLabels === undefined) return;
    const labels = child(child(child(want, 'template'), 'metadata'), 'labels');
    for (const key of CONTROLLER_UID_LABELS) keepIfUnset(labels, liveLabels, key);
    if (liveLabels['job-name'] !== undefined) keepIfUnset(labels, liveLabels, 'job-name');
    if (liveLabels['batch.kubernetes.io/job-name'] !== undefined) {
      keepIfUnset(labels, liveLabels, 'batch.kubernetes.io/job-name');
    }
  },
});

function nameList(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.map(record).filter((v) => v !== undefined) : [];
}

/** ServiceAccount: token and pull secrets the cluster added, merged with ours by name. */
export const serviceAccountRule: RetentionRule = {
  name: 'service-account-secrets',
  kind: 'ServiceAccount',
  group: '',
  retain(input) {
    const want = input.desired as Record<string, unknown>;
    const live = input.live as Record<string, unknown>;
    for (const field of ['secrets', 'imagePullSecrets']) {
      const mine = nameList(want[field]);
      const theirs = nameList(live[field]);
      const names = new Set(mine.map((s) => s.name));
      const merged = [...mine, ...theirs.filter((s) => !names.has(s.name))];
      if (merged.length > 0) want[field] = merged;
    }
  },
};

/** Pod: the node the scheduler bound it to. */
export const podRule: RetentionRule = keepSpecField('pod-node-name', 'Pod', 'nodeName');

function asksToRetainReplicas(object: KubeObject): boolean {
  return (
    object.metadata.annotations?.[RETAIN_REPLICAS_ANNOTATION] === 'true' ||
    object.metadata.labels?.[KARMADA_RETAIN_REPLICAS_LABEL] === 'true'
  );
}

/** Deployment (and other scalables) asking for it: the downstream replicas an HPA manages. */
export const replicasRule: RetentionRule = {
  name: 'hpa-replicas',
  kind: '*',
  retain(input) {
    if (!asksToRetainReplicas(input.desired)) return;
    const live = spec(input.live);
    if (live?.replicas === undefined) return;
    child(input.desired as Spec, 'spec').replicas = live.replicas;
  },
};

/**
 * Labels and annotations others added downstream stay: a key is kept when the live object has it, desired does
 * not, and we did not write it last time (then dropping it upstream means removing it). Our ownership label is
 * never inherited.
 */
export const foreignMetadataRule: RetentionRule = {
  name: 'foreign-labels-annotations',
  kind: '*',
  retain(input) {
    for (const field of ['labels', 'annotations'] as const) {
      const live = input.live.metadata[field];
      if (live === undefined) continue;
      const previous = input.lastApplied?.metadata[field] ?? {};
      const want = { ...input.desired.metadata[field] };
      let changed = false;
      for (const [key, value] of Object.entries(live)) {
        if (key in want || key in previous || key === DOWNSTREAM_CLUSTER_LABEL) continue;
        want[key] = value;
        changed = true;
      }
      if (changed) input.desired.metadata[field] = want;
    }
  },
};

/** Karmada's and KubeFed's retention set, in the order they run. */
export const DEFAULT_RETENTION_RULES: readonly RetentionRule[] = Object.freeze([
  serviceRule,
  pvcRule,
  pvRule,
  jobRule,
  serviceAccountRule,
  podRule,
  replicasRule,
  foreignMetadataRule,
]);
