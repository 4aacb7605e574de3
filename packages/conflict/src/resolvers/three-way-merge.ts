import {
  type ConflictInput,
  type ConflictResolution,
  type ConflictResolver,
  cloneJson,
  jsonEqual,
  type KubeObject,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { ConflictKind } from '../detect.js';
import { getPath, parseFieldPath, removePath } from './field-path.js';
import { threeWayMerge } from './merge.js';

/**
 * Fields we changed since the last apply win; fields others changed that we did not touch are kept.
 *
 * - field-manager conflict (server-side apply): each contested field we did not change since the last apply is
 *   left out of our apply, so its other manager keeps it; the fields we did change are taken with force.
 *   Without a last-applied state nothing counts as our change, so every contested field is left to its owner.
 * - any other conflict (stale resourceVersion, adoption): a full three-way merge of desired, last applied and
 *   existing, written with the existing resourceVersion, so a concurrent change fails the write and the merge
 *   is redone on a fresh read. Adoption merges without a base (we never applied that object): what desired
 *   sets wins, everything else on the object stays. Ownership conflicts are gated by {@link withOwnershipGate}
 *   (createResolver does it).
 */
@injectable()
export class ThreeWayMergeResolver implements ConflictResolver {
  readonly name = 'three-way-merge';

  resolve(input: ConflictInput): ConflictResolution {
    const fields = input.conflict.fields ?? [];
    if (input.conflict.kind === ConflictKind.FieldManager && fields.length > 0) {
      return { action: 'apply', object: releaseUntouched(input, fields), force: true };
    }
    // An object we are adopting was never applied by us: a last-applied state does not describe it.
    const base = input.conflict.kind === ConflictKind.Ownership ? undefined : input.lastApplied;
    return { action: 'apply', object: threeWayMerge(input.desired, input.existing, base) };
  }
}

function releaseUntouched(input: ConflictInput, fields: readonly string[]): KubeObject {
  const object = cloneJson(input.desired);
  delete object.metadata.resourceVersion;
  for (const field of fields) {
    let segments: ReturnType<typeof parseFieldPath>;
    try {
      segments = parseFieldPath(field);
    } catch {
      // A path we cannot read stays ours: forcing it is what the upstream asked for.
      continue;
    }
    const changedByUs =
      input.lastApplied !== undefined &&
      !jsonEqual(getPath(input.desired, segments), getPath(input.lastApplied, segments));
    if (!changedByUs) removePath(object, segments);
  }
  return object;
}
