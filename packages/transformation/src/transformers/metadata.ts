import {
  type KubeObject,
  type ResourceTransformer,
  SERVER_SET_METADATA_FIELDS,
  type SyncContext,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';

/**
 * Metadata the upstream server set for its copy, meaningless (or rejected) downstream. Owner references are
 * left to the owner-reference transformer, which may remap them.
 */
export const SERVER_METADATA_FIELDS = [
  ...SERVER_SET_METADATA_FIELDS,
  // Finalizers belong to upstream controllers; downstream they would only block deletion.
  'finalizers',
] as const;

/**
 * Strips server-set metadata and `status` on the way down: the desired state is spec and intent only. kcp sends
 * `generation`, `creationTimestamp` and `status` along in its apply patch, where the server ignores them, so
 * the stored object is the same; `generateName` is copied, as kcp does.
 */
@injectable()
export class MetadataTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Metadata;

  shouldTransform(_object: KubeObject, context: SyncContext): boolean {
    return context.direction === 'down';
  }

  transform(object: KubeObject): KubeObject {
    // An index loop: runs for every object, and for-of allocates an iterator without V8's top compiler.
    for (let i = 0; i < SERVER_METADATA_FIELDS.length; i++)
      delete object.metadata[SERVER_METADATA_FIELDS[i] as (typeof SERVER_METADATA_FIELDS)[number]];
    delete object.status;
    return object;
  }
}
