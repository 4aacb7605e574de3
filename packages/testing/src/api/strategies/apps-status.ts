import { type FieldError, fieldInvalid } from '../status.js';
import { isPlainObject, jsonEqual, type KubeObject } from '../types.js';

// apps/v1 rules kube-apiserver applies beyond the spec (pkg/registry/apps/*/strategy.go and
// pkg/apis/apps/validation): which updates move metadata.generation, and what a status write must satisfy.

type Obj = Record<string, unknown>;

function annotationsOf(obj: KubeObject): Obj {
  return isPlainObject(obj.metadata.annotations) ? obj.metadata.annotations : {};
}

/**
 * Deployment only: an annotation change bumps the generation like a spec change does (the controller copies
 * annotations to ReplicaSets). Absent and empty annotations are the same (Semantic.DeepEqual). StatefulSet,
 * ReplicaSet and DaemonSet bump on spec changes only, which the generic update path already does.
 */
export function bumpGenerationOnAnnotations(obj: KubeObject, old: KubeObject): void {
  if (jsonEqual(annotationsOf(obj), annotationsOf(old))) return;
  obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
}

const NOT_ABOVE_REPLICAS = 'cannot be greater than status.replicas';

function count(status: Obj, field: string): number {
  const value = status[field];
  return typeof value === 'number' ? value : 0;
}

/** Counters that must be >= 0, then `[field, bound field, message]` orderings. */
interface StatusRules {
  readonly nonNegative: readonly string[];
  readonly bounded: readonly (readonly [string, string, string])[];
}

/** Each counter at most status.replicas, and no more available than ready replicas (apps/v1 validation). */
function notAboveReplicas(...counters: string[]): StatusRules['bounded'] {
  return [
    ...counters.map((counter) => [counter, 'replicas', NOT_ABOVE_REPLICAS] as const),
    ['availableReplicas', 'readyReplicas', 'cannot be greater than readyReplicas'],
  ];
}

const DEPLOYMENT: StatusRules = {
  nonNegative: [
    'observedGeneration',
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
    'terminatingReplicas',
    'collisionCount',
  ],
  bounded: notAboveReplicas('updatedReplicas', 'readyReplicas', 'availableReplicas'),
};

const REPLICA_SET: StatusRules = {
  nonNegative: [
    'replicas',
    'fullyLabeledReplicas',
    'readyReplicas',
    'availableReplicas',
    'terminatingReplicas',
    'observedGeneration',
  ],
  bounded: notAboveReplicas('fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'),
};

function statusErrors(obj: KubeObject, rules: StatusRules): FieldError[] {
  const status = isPlainObject(obj.status) ? obj.status : {};
  const errs: FieldError[] = [];
  for (const field of rules.nonNegative) {
    const value = status[field];
    if (typeof value === 'number' && value < 0) {
      errs.push(fieldInvalid(`status.${field}`, value, 'must be greater than or equal to 0'));
    }
  }
  for (const [field, bound, message] of rules.bounded) {
    if (count(status, field) > count(status, bound)) {
      errs.push(fieldInvalid(`status.${field}`, count(status, field), message));
    }
  }
  return errs;
}

/**
 * ValidateDeploymentStatusUpdate: checked when a write changes the status (the status subresource; the main
 * resource keeps the stored status). collisionCount may not go down.
 */
export function deploymentStatusErrors(obj: KubeObject, old: KubeObject): FieldError[] {
  if (jsonEqual(obj.status ?? {}, old.status ?? {})) return [];
  const errs = statusErrors(obj, DEPLOYMENT);
  const next = isPlainObject(obj.status) ? obj.status.collisionCount : undefined;
  const before = isPlainObject(old.status) ? old.status.collisionCount : undefined;
  if (typeof before === 'number' && (typeof next !== 'number' || next < before)) {
    errs.push(
      fieldInvalid('status.collisionCount', typeof next === 'number' ? next : 0, 'cannot be decremented'),
    );
  }
  return errs;
}

/** ValidateReplicaSetStatusUpdate, on writes that change the status. */
export function replicaSetStatusErrors(obj: KubeObject, old: KubeObject): FieldError[] {
  if (jsonEqual(obj.status ?? {}, old.status ?? {})) return [];
  return statusErrors(obj, REPLICA_SET);
}
