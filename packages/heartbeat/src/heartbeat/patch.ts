import type { KubeObject } from '@kcp-tmc/interfaces';

/** What we know of the SyncTarget's status: it decides which JSON patch operation is valid. */
export type SyncTargetShape = 'unknown' | 'no-status' | 'no-field' | 'present';

export type JsonPatchOperation =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'add' | 'replace'; path: string; value: unknown };

export function shapeOf(object: KubeObject): Exclude<SyncTargetShape, 'unknown'> {
  const status = object.status;
  if (typeof status !== 'object' || status === null) return 'no-status';
  return 'lastSyncerHeartbeatTime' in status ? 'present' : 'no-field';
}

/**
 * The heartbeat as kcp's syncer sends it: a JSON patch that tests `/metadata/uid` (so a SyncTarget deleted and
 * re-created under the same name is never patched: the test fails with 422) and replaces
 * `/status/lastSyncerHeartbeatTime`. RFC 6902 `replace` needs the member to exist, which a strict server
 * enforces, so before the field exists we `add` it (and `add` the whole status when there is none yet).
 */
export function heartbeatPatch(
  uid: string,
  time: string,
  shape: SyncTargetShape,
  resourceVersion?: string,
): JsonPatchOperation[] {
  const test: JsonPatchOperation = { op: 'test', path: '/metadata/uid', value: uid };
  switch (shape) {
    case 'present':
      return [test, { op: 'replace', path: '/status/lastSyncerHeartbeatTime', value: time }];
    case 'no-status': {
      const add: JsonPatchOperation = {
        op: 'add',
        path: '/status',
        value: { lastSyncerHeartbeatTime: time },
      };
      // Adding /status replaces any status written since we looked: only do it on the version we saw.
      if (resourceVersion === undefined) return [test, add];
      return [test, { op: 'test', path: '/metadata/resourceVersion', value: resourceVersion }, add];
    }
    default:
      return [test, { op: 'add', path: '/status/lastSyncerHeartbeatTime', value: time }];
  }
}
