import { isPlainObject, jsonEqual, type KubeObject } from '../api/types.js';
import type { InProcessClient } from './client.js';
import { type Obj, spec } from './shared.js';

export const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

export function revisionOf(rs: KubeObject): number {
  const n = Number(rs.metadata.annotations?.[REVISION]);
  return Number.isInteger(n) ? n : 0;
}

export function maxRevision(list: KubeObject[]): number {
  return list.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** A pod template without what the controller adds (the hash label) or a round trip leaves (null timestamp). */
function comparable(template: unknown): Obj {
  const t = (isPlainObject(template) ? structuredClone(template) : {}) as Obj;
  const meta = (isPlainObject(t.metadata) ? t.metadata : {}) as Obj;
  delete meta.creationTimestamp;
  if (isPlainObject(meta.labels)) {
    const labels = { ...meta.labels };
    delete labels[HASH];
    meta.labels = labels;
  }
  t.metadata = meta;
  return t;
}

/**
 * Whether a ReplicaSet runs a Deployment's template, as the deployment controller's EqualIgnoreHash decides:
 * `kubectl rollout undo` copies an old ReplicaSet's template back, and that ReplicaSet is scaled up again.
 */
export function runsTemplate(rs: KubeObject, template: unknown): boolean {
  return jsonEqual(comparable(spec(rs).template), comparable(template));
}

/** Gives a reused ReplicaSet the next revision, as the real controller does when a rollback revives it. */
export function bumpRevision(
  client: InProcessClient,
  cluster: string,
  current: KubeObject,
  owned: KubeObject[],
): void {
  const others = owned.filter((rs) => rs.metadata.name !== current.metadata.name);
  const max = maxRevision(others);
  if (revisionOf(current) > max) return;
  client.mutate(
    cluster,
    'apps',
    'replicasets',
    current.metadata.namespace!,
    current.metadata.name!,
    'deployment-controller',
    (rs) => {
      rs.metadata.annotations = { ...rs.metadata.annotations, [REVISION]: String(max + 1) };
      return true;
    },
  );
}

/**
 * The Deployment carries its newest ReplicaSet's revision (kubectl describe and rollout read it), written
 * with a status write as the real controller does, so the generation stays.
 */
export function annotateDeployment(
  client: InProcessClient,
  cluster: string,
  d: KubeObject,
  revision: number,
): void {
  if (d.metadata.annotations?.[REVISION] === String(revision)) return;
  client.mutate(
    cluster,
    'apps',
    'deployments',
    d.metadata.namespace!,
    d.metadata.name!,
    'deployment-controller',
    (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [REVISION]: String(revision) };
      return true;
    },
    'status',
  );
}
