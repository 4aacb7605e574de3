import {
  type KubeClient,
  RESOURCE_TRANSFORMER,
  type ResourceTransformer,
  SYNC_FILTER,
  SYNC_TARGET,
  type SyncFilter,
  type SyncTargetRef,
  TRANSFORMATION_PIPELINE,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type ClassProvider, type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { neverSyncedNamespaceFilter, neverSyncedResourceFilter } from './filters.js';
import { DefaultTransformerNames } from './names.js';
import { DefaultTransformationPipeline } from './pipeline.js';
import { UPSTREAM_SECRET_LISTER, UPSTREAM_SERVER_URL } from './tokens.js';
import { AnnotationsTransformer } from './transformers/annotations.js';
import { LabelsTransformer } from './transformers/labels.js';
import { MetadataTransformer } from './transformers/metadata.js';
import { NamespaceTransformer } from './transformers/namespace.js';
import { OwnerReferencesTransformer } from './transformers/owner-references.js';
import { PodSpecTransformer } from './transformers/pod-spec.js';
import { RenamesTransformer } from './transformers/renames.js';
import { SecretsTransformer } from './transformers/secrets.js';
import { ClientSecretLister } from './transformers/service-account-token.js';

/** The default transformers in pipeline order, by name. */
type TransformerClass = ClassProvider<ResourceTransformer>['useClass'];

export const DEFAULT_TRANSFORMERS: ReadonlyArray<readonly [string, TransformerClass]> = [
  [DefaultTransformerNames.Renames, RenamesTransformer],
  [DefaultTransformerNames.Secrets, SecretsTransformer],
  [DefaultTransformerNames.PodSpec, PodSpecTransformer],
  [DefaultTransformerNames.Annotations, AnnotationsTransformer],
  [DefaultTransformerNames.Metadata, MetadataTransformer],
  [DefaultTransformerNames.OwnerReferences, OwnerReferencesTransformer],
  [DefaultTransformerNames.Namespace, NamespaceTransformer],
  [DefaultTransformerNames.Labels, LabelsTransformer],
];

/** The default filters: kcp's never-synced namespaces and resources (pods, endpoints) stay out. */
export const DEFAULT_FILTERS: readonly SyncFilter[] = [neverSyncedNamespaceFilter, neverSyncedResourceFilter];

export interface TransformationOptions {
  /** Default transformers to leave out, by name ({@link DefaultTransformerNames}). */
  readonly exclude?: readonly string[];
  /** Bind {@link DEFAULT_FILTERS} to SYNC_FILTER (default true); false when the engine registers them itself. */
  readonly filters?: boolean;
  /**
   * The upstream server's base URL (kcp: the `--from-kubeconfig` server): Deployment pod templates get kcp's
   * `KUBERNETES_SERVICE_*` env and `kcp-api-access` volume. Binds UPSTREAM_SERVER_URL and, unless one is
   * registered already, an UPSTREAM_SECRET_LISTER that lists through UPSTREAM_KUBE_CLIENT (needs SYNC_TARGET).
   */
  readonly upstreamServerUrl?: string;
  /** Address logical clusters (`/clusters/<name>`) when listing upstream Secrets; false in plain mode (default true). */
  readonly upstreamByCluster?: boolean;
}

/**
 * Binds the default transformers to RESOURCE_TRANSFORMER (many, in pipeline order) and a pipeline built from
 * every RESOURCE_TRANSFORMER to TRANSFORMATION_PIPELINE (one per container; transformers registered for the token
 * after this call join it after the defaults, the pipeline's `register` inserts at run time). Optional
 * dependencies resolved when registered: DOWNSTREAM_CONFIG (namespace naming), NAMESPACE_LOCATOR_LOOKUP,
 * OWNER_REFERENCE_RESOLVER, UPSTREAM_SERVER_URL + UPSTREAM_SECRET_LISTER (kcp's pod-template access to kcp),
 * WORKSPACE_NAMESERVER_PROVIDER (kcp's pod DNS).
 */
export function registerTransformation(
  container: DependencyContainer,
  options: TransformationOptions = {},
): void {
  const known = new Set(DEFAULT_TRANSFORMERS.map(([name]) => name));
  for (const name of options.exclude ?? []) {
    if (!known.has(name)) throw new TypeError(`no default transformer named "${name}" to exclude`);
  }
  for (const [name, transformer] of DEFAULT_TRANSFORMERS) {
    if (!options.exclude?.includes(name)) container.register(RESOURCE_TRANSFORMER, { useClass: transformer });
  }
  container.register(TRANSFORMATION_PIPELINE, {
    useFactory: instancePerContainerCachingFactory(
      (c) =>
        new DefaultTransformationPipeline(
          c.isRegistered(RESOURCE_TRANSFORMER, true)
            ? c.resolveAll<ResourceTransformer>(RESOURCE_TRANSFORMER)
            : [],
        ),
    ),
  });
  if (options.upstreamServerUrl !== undefined) {
    container.register(UPSTREAM_SERVER_URL, { useValue: options.upstreamServerUrl });
    if (!container.isRegistered(UPSTREAM_SECRET_LISTER, true)) {
      const byCluster = options.upstreamByCluster ?? true;
      container.register(UPSTREAM_SECRET_LISTER, {
        useFactory: instancePerContainerCachingFactory(
          (c) =>
            new ClientSecretLister(
              c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT),
              byCluster,
              c.resolve<SyncTargetRef>(SYNC_TARGET).key,
            ),
        ),
      });
    }
  }
  if (options.filters ?? true) {
    for (const filter of DEFAULT_FILTERS) container.register(SYNC_FILTER, { useValue: filter });
  }
}
