export { neverSyncedNamespaceFilter, serviceAccountTokenFilter } from './filters.js';
export { DefaultTransformerNames } from './names.js';
export { NamespaceLocatorIndex } from './namespace-index.js';
export { DefaultTransformationPipeline, type TransformerPosition } from './pipeline.js';
export {
  DEFAULT_FILTERS,
  DEFAULT_TRANSFORMERS,
  registerTransformation,
  type TransformationOptions,
} from './register.js';
export { specFingerprint } from './spec-fingerprint.js';
export {
  AnnotationsTransformer,
  SYNCED_GENERATION_ANNOTATION,
  SYNCED_SPEC_ANNOTATION,
  UPSTREAM_ONLY_ANNOTATION_PREFIXES,
  UPSTREAM_ONLY_ANNOTATIONS,
} from './transformers/annotations.js';
export { DOWNSTREAM_ONLY_LABELS, LabelsTransformer } from './transformers/labels.js';
export { MetadataTransformer, SERVER_METADATA_FIELDS } from './transformers/metadata.js';
export { NamespaceTransformer } from './transformers/namespace.js';
export { OwnerReferencesTransformer } from './transformers/owner-references.js';
export { mutatePodSpec, POD_TEMPLATE_PATHS, PodSpecTransformer } from './transformers/pod-spec.js';
export {
  downstreamConfigMapName,
  KCP_ROOT_CA_CONFIGMAP,
  KUBE_ROOT_CA_CONFIGMAP,
  RenamesTransformer,
  upstreamConfigMapName,
} from './transformers/renames.js';
export {
  DOCKER_CONFIG_JSON_KEY,
  DOCKER_CONFIG_JSON_TYPE,
  SecretsTransformer,
  validateDockerConfigJson,
} from './transformers/secrets.js';
