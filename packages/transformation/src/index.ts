// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/transformation'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export {
  NEVER_SYNCED_RESOURCES,
  neverSyncedNamespaceFilter,
  neverSyncedResourceFilter,
} from './filters.js';
export { DefaultTransformerNames } from './names.js';
export { NamespaceLocatorIndex } from './namespace-index.js';
export { DefaultTransformationPipeline, type TransformerPosition } from './pipeline.js';
export {
  DEFAULT_FILTERS,
  DEFAULT_TRANSFORMERS,
  registerTransformation,
  type TransformationOptions,
} from './register.js';
export {
  UPSTREAM_SECRET_LISTER,
  UPSTREAM_SERVER_URL,
  type UpstreamSecretLister,
  WORKSPACE_NAMESERVER_PROVIDER,
  type WorkspaceNameserverProvider,
} from './tokens.js';
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
export { PodSpecTransformer } from './transformers/pod-spec.js';
export {
  hostAndPort,
  KCP_API_ACCESS_VOLUME,
  type KcpApiAccess,
  mutatePodSpec,
  SERVICE_ACCOUNT_MOUNT_PATH,
  setWorkspaceDns,
} from './transformers/pod-template.js';
export {
  DEFAULT_TOKEN_SECRET_PREFIX,
  downstreamConfigMapName,
  downstreamSecretName,
  KCP_ROOT_CA_CONFIGMAP,
  KUBE_ROOT_CA_CONFIGMAP,
  RenamesTransformer,
  upstreamConfigMapName,
  upstreamSecretName,
} from './transformers/renames.js';
export {
  DOCKER_CONFIG_JSON_KEY,
  DOCKER_CONFIG_JSON_TYPE,
  OPAQUE_SECRET_TYPE,
  SecretsTransformer,
  validateDockerConfigJson,
} from './transformers/secrets.js';
export { ClientSecretLister, tokenSecretName } from './transformers/service-account-token.js';
