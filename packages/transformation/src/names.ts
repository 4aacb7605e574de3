/**
 * The names of the default transformers, in their pipeline order. Annotations come before metadata cleaning
 * (they record the upstream generation the cleaning removes) and before the namespace mapping (which adds the
 * locator annotation); owner references are resolved while the object still has its upstream namespace.
 */
export const DefaultTransformerNames = {
  Secrets: 'secrets',
  Annotations: 'annotations',
  Metadata: 'metadata',
  OwnerReferences: 'owner-references',
  Renames: 'renames',
  Namespace: 'namespace',
  Labels: 'labels',
  PodSpec: 'pod-spec',
} as const;
