import {
  type KubeObject,
  OWNER_REFERENCE_RESOLVER,
  type OwnerReference,
  type OwnerReferenceResolver,
  type ResourceTransformer,
  type SyncContext,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';

/**
 * Upstream owner references name upstream uids, which mean nothing downstream (the downstream garbage collector
 * would delete the object for a missing owner). Without a resolver they are dropped, as kcp does, so cascading
 * deletion happens once, upstream. With an {@link OwnerReferenceResolver}, a reference to an owner that is synced
 * too is remapped to the owner's downstream name and uid; the others are dropped.
 */
@injectable()
export class OwnerReferencesTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.OwnerReferences;

  constructor(
    // Optional: without a resolver every owner reference is dropped (deletion happens upstream).
    @inject(OWNER_REFERENCE_RESOLVER, { isOptional: true })
    private readonly resolver?: OwnerReferenceResolver,
  ) {}

  shouldTransform(object: KubeObject, context: SyncContext): boolean {
    return context.direction === 'down' && object.metadata.ownerReferences !== undefined;
  }

  async transform(object: KubeObject, context: SyncContext): Promise<KubeObject> {
    const references = object.metadata.ownerReferences ?? [];
    const remapped: OwnerReference[] = [];
    if (this.resolver !== undefined) {
      for (const reference of references) {
        const owner = await this.resolver.resolve(reference, object, context);
        if (owner !== undefined) remapped.push({ ...reference, name: owner.name, uid: owner.uid });
      }
    }
    if (remapped.length > 0) object.metadata.ownerReferences = remapped;
    else delete object.metadata.ownerReferences;
    return object;
  }
}
