import {
  type ApplyRequest,
  type DeleteRequest,
  DOWNSTREAM_CLUSTER_LABEL,
  type DownstreamSyncer,
  isTmcError,
  type KubeClient,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  type SyncResult,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' } as const;

function alreadyExists(err: unknown): boolean {
  return isTmcError(err) && err.type === TmcErrorType.AlreadyExists;
}

/**
 * Stands in for @kcp-tmc/downstream's spec syncer, which is not in the repository yet: it writes what the spec
 * path would (the downstream namespace with the locator annotation and the ownership label, then the
 * transformed object from the real transformation pipeline) and nothing more. Deletion is not exercised.
 */
export class SpecPathSyncer implements DownstreamSyncer {
  constructor(private readonly client: KubeClient) {}

  async apply({ item, context, upstream, desired }: ApplyRequest): Promise<SyncResult> {
    const namespace = desired.metadata.namespace;
    if (namespace !== undefined && namespace !== '') {
      const locator = namespaceLocator(
        context.cluster,
        context.syncTarget,
        upstream.metadata.namespace ?? '',
      );
      try {
        await this.client.create(NAMESPACES, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: namespace,
            annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locator) },
            labels: { [DOWNSTREAM_CLUSTER_LABEL]: context.syncTarget.key },
          },
        });
      } catch (err) {
        if (!alreadyExists(err)) throw err;
      }
    }
    const scope = namespace === undefined ? {} : { namespace };
    try {
      const object = await this.client.create(context.gvr, desired, scope);
      return { key: item.key, operation: 'create', success: true, conflicts: [], object };
    } catch (err) {
      if (!alreadyExists(err)) throw err;
    }
    const existing = await this.client.get(context.gvr, { ...scope, name: desired.metadata.name as string });
    // Annotations others added downstream stay, as the real syncer's retention keeps them (a Deployment's
    // revision annotation from its controller): dropping one would move the Deployment's generation.
    const annotations = { ...existing.metadata.annotations, ...desired.metadata.annotations };
    const object = await this.client.update(
      context.gvr,
      {
        ...desired,
        metadata: {
          ...desired.metadata,
          ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
          resourceVersion: existing.metadata.resourceVersion as string,
        },
      },
      scope,
    );
    return { key: item.key, operation: 'update', success: true, conflicts: [], object };
  }

  async delete({ item }: DeleteRequest): Promise<SyncResult> {
    return { key: item.key, operation: 'noop', success: true, conflicts: [], reason: 'not exercised' };
  }

  /** Namespace clean-up is not exercised here either: the namespaces stay for the test's life. */
  planNamespaceCleaning(): void {}

  cancelNamespaceCleaning(): void {}
}
