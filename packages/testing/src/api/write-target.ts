import type { ManagerIdentity, WriteScope } from '../patch/managed-fields.js';
import { KCP_CLUSTER_ANNOTATION, managerFromUserAgent, timestamp } from './meta.js';
import { groupVersion } from './resource-type.js';
import { badRequest, conflict, invalid, OBJECT_MODIFIED } from './status.js';
import type { Target, WriteOptions } from './target.js';
import type { KubeObject } from './types.js';

// What a write's address decides: the logical cluster, the field manager's identity, the managedFields scope, and
// an update's preconditions.

/** The logical cluster of a write: the URL's, or on a wildcard URL the body's kcp.io/cluster annotation. */
export function requireCluster(target: Target, body?: KubeObject): string {
  if (target.cluster !== '*') return target.cluster;
  const fromBody = body?.metadata?.annotations?.[KCP_CLUSTER_ANNOTATION];
  if (fromBody) return fromBody;
  throw badRequest(
    'a logical cluster is required: use /clusters/<name>/... or set the kcp.io/cluster annotation',
  );
}

/** The managedFields entry identity of a write: fieldManager (or the user agent), operation, version, subresource. */
export function managerIdentity(
  target: Target,
  opts: WriteOptions,
  operation: 'Apply' | 'Update',
): ManagerIdentity {
  const id: ManagerIdentity = {
    manager: opts.fieldManager ?? managerFromUserAgent(opts.userAgent),
    operation,
    apiVersion: groupVersion(target.rt.group, target.version),
    time: timestamp(),
  };
  if (target.subresource === 'status') id.subresource = 'status';
  return id;
}

/** Which fields a write may own: status alone, everything but status, or all (no status subresource). */
export function writeScope(target: Target): WriteScope {
  if (target.subresource === 'status') return 'status';
  return target.rt.subresources.status ? 'main' : 'all';
}

/** PUT's preconditions: the URL's name, and a matching resourceVersion unless the type allows unconditional updates. */
export function checkUpdatePreconditions(target: Target, old: KubeObject, body: KubeObject): void {
  if (body.metadata.name !== undefined && body.metadata.name !== target.name) {
    throw badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${target.name})`,
    );
  }
  if (target.view) return;
  const rv = body.metadata.resourceVersion;
  if (rv) {
    if (rv !== old.metadata.resourceVersion) throw conflict(target.rt, target.name!, OBJECT_MODIFIED);
  } else if (!target.rt.allowUnconditionalUpdate) {
    throw invalid(target.rt.group, target.rt.kind, target.name!, [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.resourceVersion',
        body: 'Invalid value: 0x0: must be specified for an update',
      },
    ]);
  }
}
