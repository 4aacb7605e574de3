import {
  CLUSTER_ANNOTATION,
  DOWNSTREAM_CONFIG,
  type DownstreamConfig,
  downstreamNamespaceName,
  isNamespacesGvr,
  isNeverSyncedNamespace,
  isSyncTargetLocator,
  type KubeObject,
  locatorFromAnnotations,
  NAMESPACE_LOCATOR_ANNOTATION,
  NAMESPACE_LOCATOR_LOOKUP,
  type NamespaceLocator,
  type NamespaceLocatorLookup,
  namespaceLocator,
  namespaceLocatorToJson,
  type ResourceTransformer,
  type SyncContext,
  skipTransform,
  TmcError,
  TmcErrorType,
  type TransformOutput,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';

// Namespaces (per cluster and SyncTarget) whose computed names are kept; past it the cache starts over.
const NAME_CACHE_SIZE = 10_000;

function annotate(object: KubeObject, key: string, value: string): void {
  object.metadata.annotations = { ...object.metadata.annotations, [key]: value };
}

function unannotate(object: KubeObject, key: string): void {
  if (object.metadata.annotations === undefined) return;
  delete object.metadata.annotations[key];
}

/**
 * Maps namespaces between upstream logical clusters and the downstream, in kcp's way.
 *
 * Down: a namespaced object moves to the downstream namespace of its locator (upstream cluster, namespace,
 * SyncTarget): the one that already carries that locator if the lookup knows it, else kcp's hashed name
 * (`kcp-<12 base36 chars>`), or `kcp-<cluster>-<namespace>` in readable mode. Upstream Namespaces are skipped:
 * kcp makes a downstream namespace only for the objects synced into it (the downstream syncer does); any other cluster-scoped object gets the locator annotation
 * with an empty namespace (as kcp does), which is how it finds its way back.
 *
 * Up: the upstream namespace comes from the locator annotation of the downstream namespace (through the
 * {@link NamespaceLocatorLookup}) or of the object itself when it is cluster-scoped, never from its name; the
 * logical cluster is restored as `kcp.io/cluster`. Objects without a locator, or with another SyncTarget's, are
 * skipped: they are not ours to report.
 */
@injectable()
export class NamespaceTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Namespace;
  private readonly names = new Map<string, string>();
  private readonly naming: DownstreamConfig['namespaceNaming'];

  constructor(
    // Optional: kcp's hashed namespace names unless the downstream config says otherwise.
    @inject(DOWNSTREAM_CONFIG, { isOptional: true }) config?: Pick<DownstreamConfig, 'namespaceNaming'>,
    // Optional: without the engine's lookup only an object's own locator (cluster-scoped) is read.
    @inject(NAMESPACE_LOCATOR_LOOKUP, { isOptional: true }) private readonly lookup?: NamespaceLocatorLookup,
  ) {
    this.naming = config?.namespaceNaming ?? 'hashed';
  }

  async transform(object: KubeObject, context: SyncContext): Promise<TransformOutput> {
    return context.direction === 'down' ? this.down(object, context) : this.up(object, context);
  }

  /** The downstream namespace for a locator (what the downstream syncer must ensure exists). */
  async downstreamNamespace(locator: NamespaceLocator): Promise<string> {
    const existing = await this.lookup?.namespaceFor(locator);
    if (existing !== undefined) return existing;
    // A pure function of the locator, but SHA-224 plus base36 costs more than the rest of the pipeline: cached.
    const json = namespaceLocatorToJson(locator);
    let name = this.names.get(json);
    if (name === undefined) {
      name = downstreamNamespaceName(locator, this.naming);
      if (this.names.size >= NAME_CACHE_SIZE) this.names.clear();
      this.names.set(json, name);
    }
    return name;
  }

  private async down(object: KubeObject, context: SyncContext): Promise<TransformOutput> {
    if (isNamespacesGvr(context.gvr)) {
      const upstream = object.metadata.name ?? context.key.name;
      // kcp never applies an upstream Namespace: its downstream namespace is made for the first object synced
      // into it (pkg/syncer/spec/spec_controller.go ignores namespaces), so an empty one never appears.
      return skipTransform(
        `namespace ${upstream}: downstream namespaces are made for the objects synced into them`,
      );
    }
    const upstream = object.metadata.namespace || context.key.namespace;
    if (upstream === '') {
      const locator = namespaceLocator(context.cluster, context.syncTarget, '');
      annotate(object, NAMESPACE_LOCATOR_ANNOTATION, namespaceLocatorToJson(locator));
      return object;
    }
    if (isNeverSyncedNamespace(upstream)) return skipTransform(`namespace ${upstream} is never synced`);
    const locator = namespaceLocator(context.cluster, context.syncTarget, upstream);
    object.metadata.namespace = await this.downstreamNamespace(locator);
    return object;
  }

  private async up(object: KubeObject, context: SyncContext): Promise<TransformOutput> {
    const downstreamNamespace = object.metadata.namespace;
    const clusterScoped = isNamespacesGvr(context.gvr) || !downstreamNamespace;
    let locator: NamespaceLocator | undefined;
    if (clusterScoped) {
      locator = locatorFromAnnotations(object.metadata.annotations);
    } else {
      if (this.lookup === undefined) {
        throw new TmcError({
          type: TmcErrorType.TransformFailed,
          message:
            'mapping a namespaced object upstream needs a NamespaceLocatorLookup (NAMESPACE_LOCATOR_LOOKUP)',
        });
      }
      locator = await this.lookup.locatorOf(downstreamNamespace);
    }
    const where = clusterScoped
      ? `${object.kind ?? 'object'} ${object.metadata.name ?? ''}`
      : `namespace ${downstreamNamespace}`;
    if (locator === undefined) return skipTransform(`${where} has no namespace locator`);
    if (!isSyncTargetLocator(locator, context.syncTarget)) {
      return skipTransform(
        `${where} belongs to SyncTarget ${locator.syncTarget.cluster}:${locator.syncTarget.name}`,
      );
    }
    if (isNamespacesGvr(context.gvr)) object.metadata.name = locator.namespace;
    else if (!clusterScoped) object.metadata.namespace = locator.namespace;
    if (clusterScoped) unannotate(object, NAMESPACE_LOCATOR_ANNOTATION);
    if (locator.cluster !== '') annotate(object, CLUSTER_ANNOTATION, locator.cluster);
    return object;
  }
}
