import {
  RESOURCE_TRANSFORMER,
  type ResourceTransformer,
  SYNC_FILTER,
  type SyncFilter,
  TRANSFORMATION_PIPELINE,
} from '@kcp-tmc/interfaces';
import { type ClassProvider, type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { neverSyncedNamespaceFilter, serviceAccountTokenFilter } from './filters.js';
import { DefaultTransformerNames } from './names.js';
import { DefaultTransformationPipeline } from './pipeline.js';
import { AnnotationsTransformer } from './transformers/annotations.js';
import { LabelsTransformer } from './transformers/labels.js';
import { MetadataTransformer } from './transformers/metadata.js';
import { NamespaceTransformer } from './transformers/namespace.js';
import { OwnerReferencesTransformer } from './transformers/owner-references.js';
import { PodSpecTransformer } from './transformers/pod-spec.js';
import { RenamesTransformer } from './transformers/renames.js';
import { SecretsTransformer } from './transformers/secrets.js';

/** The default transformers in pipeline order, by name. */
type TransformerClass = ClassProvider<ResourceTransformer>['useClass'];

export const DEFAULT_TRANSFORMERS: ReadonlyArray<readonly [string, TransformerClass]> = [
  [DefaultTransformerNames.Secrets, SecretsTransformer],
  [DefaultTransformerNames.Annotations, AnnotationsTransformer],
  [DefaultTransformerNames.Metadata, MetadataTransformer],
  [DefaultTransformerNames.OwnerReferences, OwnerReferencesTransformer],
  [DefaultTransformerNames.Renames, RenamesTransformer],
  [DefaultTransformerNames.Namespace, NamespaceTransformer],
  [DefaultTransformerNames.Labels, LabelsTransformer],
  [DefaultTransformerNames.PodSpec, PodSpecTransformer],
];

/** The default filters: service-account token secrets and kcp's never-synced namespaces stay out. */
export const DEFAULT_FILTERS: readonly SyncFilter[] = [serviceAccountTokenFilter, neverSyncedNamespaceFilter];

export interface TransformationOptions {
  /** Default transformers to leave out, by name ({@link DefaultTransformerNames}). */
  readonly exclude?: readonly string[];
  /** Bind {@link DEFAULT_FILTERS} to SYNC_FILTER (default true); false when the engine registers them itself. */
  readonly filters?: boolean;
}

/**
 * Binds the default transformers to RESOURCE_TRANSFORMER (many, in pipeline order) and a pipeline built from
 * every RESOURCE_TRANSFORMER to TRANSFORMATION_PIPELINE (one per container; transformers registered for the token
 * after this call join it after the defaults, the pipeline's `register` inserts at run time). Optional
 * dependencies resolved when registered: DOWNSTREAM_CONFIG (namespace naming), NAMESPACE_LOCATOR_LOOKUP,
 * OWNER_REFERENCE_RESOLVER.
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
  if (options.filters ?? true) {
    for (const filter of DEFAULT_FILTERS) container.register(SYNC_FILTER, { useValue: filter });
  }
}
