import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject } from '@kcp-tmc/interfaces';
import { KARMADA_RETAIN_REPLICAS_LABEL, RETAIN_REPLICAS_ANNOTATION } from '../constants.js';
import { child, keepIfUnset, record } from './fields.js';
import type { RetainInput, RetentionRule } from './rule.js';

function spec(object: KubeObject): Record<string, unknown> | undefined {
  return record(object.spec);
}

function desiredSpec(input: RetainInput): Record<string, unknown> {
  return child(input.desired as Record<string, unknown>, 'spec');
}

/** Service: the allocated clusterIP(s), healthCheckNodePort, and each port's nodePort (matched by name+protocol+port). */
export const serviceRule: RetentionRule = {
  name: 'service-allocations',
  kind: 'Service',
  group: '',
  clear(desired) {
    const want = spec(desired);
    if (want === undefined) return;
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
  retain(input) {
    const live = spec(input.live);
    if (live === undefined) return;
    const want = desiredSpec(input);
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
};

/** PersistentVolumeClaim: the bound volume. */
export const pvcRule: RetentionRule = {
  name: 'pvc-volume-name',
  kind: 'PersistentVolumeClaim',
  group: '',
  retain(input) {
    keepIfUnset(desiredSpec(input), spec(input.live), 'volumeName');
  },
};

/** PersistentVolume: the claim it is bound to. */
export const pvRule: RetentionRule = {
  name: 'pv-claim-ref',
  kind: 'PersistentVolume',
  group: '',
  retain(input) {
    keepIfUnset(desiredSpec(input), spec(input.live), 'claimRef');
  },
};

const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

/** Job: the generated selector and the controller-uid labels of its template (both immutable). */
export const jobRule: RetentionRule = {
  name: 'job-selector',
  kind: 'Job',
  group: 'batch',
  clear(desired) {
    const want = spec(desired);
    if (want === undefined || want.manualSelector === true) return;
    delete want.selector;
    const labels = record(record(record(want.template)?.metadata)?.labels);
    if (labels === undefined) return;
    for (const key of [...CONTROLLER_UID_LABELS, 'job-name', 'batch.kubernetes.io/job-name'])
      delete labels[key];
  },
  retain(input) {
    const live = spec(input.live);
    if (live === undefined) return;
    const want = desiredSpec(input);
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
};

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
export const podRule: RetentionRule = {
  name: 'pod-node-name',
  kind: 'Pod',
  group: '',
  retain(input) {
    keepIfUnset(desiredSpec(input), spec(input.live), 'nodeName');
  },
};

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
    desiredSpec(input).replicas = live.replicas;
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
