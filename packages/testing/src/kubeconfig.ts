import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  token?: string | undefined;
  /** PEM of the CA that signed the serving certificate (TLS). */
  caPem?: string | undefined;
  /** Extra contexts (name → server URL), e.g. kcp logical clusters. */
  contexts?: Record<string, string>;
  currentContext?: string;
  namespace?: string;
}

/** A kubeconfig (YAML) with one cluster entry per context and the bearer token, as kcp's admin.kubeconfig is laid out. */
export function buildKubeconfig(input: KubeconfigInput): string {
  const servers: Record<string, string> = { 'kube-sim': input.server, ...input.contexts };
  const ca = input.caPem ? { 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') } : {};
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    // client-node 2.x refuses plain http:// unless the cluster entry sets insecure-skip-tls-verify.
    clusters: Object.entries(servers).map(([name, server]) => ({
      name,
      cluster: { server, ...(server.startsWith('http:') ? { 'insecure-skip-tls-verify': true } : ca) },
    })),
    users: [{ name: 'kube-sim', user: input.token ? { token: input.token } : {} }],
    contexts: Object.keys(servers).map((name) => ({
      name,
      context: { cluster: name, user: 'kube-sim', namespace: input.namespace ?? 'default' },
    })),
    'current-context': input.currentContext ?? 'kube-sim',
    preferences: {},
  };
  return stringify(config);
}
