/** A CustomResourceDefinition of one served version `v1` whose schema keeps every field. */
export function preservingCrd(
  group: string,
  plural: string,
  kind: string,
  { scope = 'Namespaced', status = false }: { scope?: 'Namespaced' | 'Cluster'; status?: boolean } = {},
) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          ...(status ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}
