/**
 * The names of the default transformers, in their pipeline order, which is kcp's: renames first (they read the
 * service-account annotation the secrets mutator strips), then the mutators (secrets, pod spec) on the upstream
 * object, then metadata; owner references are resolved while the object still has its upstream namespace, and
 * the namespace mapping (which adds the locator annotation) comes after the annotations are cleaned.
 */
export const DefaultTransformerNames = {
  Renames: 'renames',
  Secrets: 'secrets',
  PodSpec: 'pod-spec',
  Annotations: 'annotations',
  Metadata: 'metadata',
  OwnerReferences: 'owner-references',
  Namespace: 'namespace',
  Labels: 'labels',
} as const;
