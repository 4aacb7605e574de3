/** An upstream object to create in the workspace, and where. */
export interface AppObject {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/**
 * The differential suite's app (reference/real-kcp/app.yaml plus a Service), as `kubectl apply` creates it: with
 * its `kubectl.kubernetes.io/last-applied-configuration` annotation, which kcp's syncer carries downstream.
 */
export function app(namespace: string): AppObject[] {
  const applied = (body: Record<string, unknown>) => {
    const metadata = body.metadata as Record<string, unknown>;
    const annotations = (metadata.annotations as Record<string, string> | undefined) ?? {};
    return {
      ...body,
      metadata: {
        ...metadata,
        annotations: {
          ...annotations,
          'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(body)}\n`,
        },
      },
    };
  };
  const labels = { app: 'web' };
  return [
    {
      path: '/api/v1/namespaces',
      body: applied({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { team: namespace } },
      }),
    },
    {
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      body: applied({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-config', namespace, labels, annotations: { note: 'hello' } },
        data: { greeting: 'hi' },
      }),
    },
    {
      path: `/api/v1/namespaces/${namespace}/secrets`,
      body: applied({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'app-secret', namespace, labels },
        type: 'Opaque',
        data: { password: Buffer.from('s3cret').toString('base64') },
      }),
    },
    {
      path: `/api/v1/namespaces/${namespace}/services`,
      body: applied({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      }),
    },
    {
      path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
      body: applied({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace, labels, annotations: { note: 'hello' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'web',
                  image: 'registry.invalid/web:1',
                  env: [{ name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
                  envFrom: [{ configMapRef: { name: 'app-config' } }],
                },
              ],
            },
          },
        },
      }),
    },
  ];
}
