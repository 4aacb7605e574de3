import {
  DOWNSTREAM_CLUSTER_LABEL,
  type GVR,
  isTmcError,
  type KubeClient,
  type OwnerReference,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

/** An object an Event is about, as `involvedObject` / `regarding` name it. */
export interface ObjectReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly fieldPath?: string;
}

/** The owned (synced) downstream object an Event ends up being about. */
export interface OwnedObject {
  readonly gvr: GVR;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Whether the Event is about this object itself (not about something it owns, like a pod). */
  readonly direct: boolean;
}

// Pod → ReplicaSet → Deployment is two hops; CronJob → Job → Pod likewise. Four leaves room.
const MAX_HOPS = 4;
// A chain that leads nowhere may lead somewhere once the spec path labels its owner: forget it soon.
const NEGATIVE_TTL_MS = 30_000;

function controllerOf(references: readonly OwnerReference[] | undefined): OwnerReference | undefined {
  return references?.find((r) => r.controller === true) ?? references?.[0];
}

/**
 * Follows an object's controller owner references in the downstream cluster until an object labelled as
 * owned by this SyncTarget, so Events about pods land on the Deployment (or Job, StatefulSet...) that was
 * synced. Results are kept per object uid (bounded; chains that lead to nothing only briefly).
 */
export class OwnedObjectResolver {
  private readonly cache = new Map<string, { owned: OwnedObject | undefined; at: number }>();

  constructor(
    private readonly client: KubeClient,
    private readonly syncTargetKey: string,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  async resolve(involved: ObjectReference, eventNamespace: string): Promise<OwnedObject | undefined> {
    const cacheKey =
      involved.uid ?? `${involved.apiVersion}/${involved.kind}/${involved.namespace}/${involved.name}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined && (cached.owned !== undefined || this.now() - cached.at < NEGATIVE_TTL_MS)) {
      return cached.owned;
    }
    const owned = await this.walk(involved, involved.namespace || eventNamespace);
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(cacheKey, { owned, at: this.now() });
    return owned;
  }

  private async walk(start: ObjectReference, namespace: string): Promise<OwnedObject | undefined> {
    let ref: ObjectReference = start;
    for (let hop = 0; hop <= MAX_HOPS; hop++) {
      if (ref.apiVersion === undefined || ref.kind === undefined || ref.name === undefined) return undefined;
      let mapping: Awaited<ReturnType<KubeClient['mappingForKind']>>;
      try {
        mapping = await this.client.mappingForKind(ref.apiVersion, ref.kind);
      } catch (err) {
        if (isTmcError(err) && err.type === TmcErrorType.NotFound) return undefined;
        throw err;
      }
      const objectNamespace = mapping.namespaced ? namespace : '';
      let object: Awaited<ReturnType<KubeClient['get']>>;
      try {
        object = await this.client.get(mapping.gvr, { namespace: objectNamespace, name: ref.name });
      } catch (err) {
        if (isTmcError(err) && err.type === TmcErrorType.NotFound) return undefined;
        throw err;
      }
      // A same-named successor is not the object the Event spoke of.
      if (ref.uid !== undefined && ref.uid !== '' && object.metadata.uid !== ref.uid) return undefined;
      if (object.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] === this.syncTargetKey) {
        return {
          gvr: mapping.gvr,
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          namespace: objectNamespace,
          name: ref.name,
          direct: hop === 0,
        };
      }
      const owner = controllerOf(object.metadata.ownerReferences);
      if (owner === undefined) return undefined;
      ref = owner;
    }
    return undefined;
  }
}
