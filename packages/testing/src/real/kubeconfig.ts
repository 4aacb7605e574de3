/** A kubeconfig with one cluster, one bearer-token user and one current context (JSON is valid YAML). */
export function tokenKubeconfig(server: string, caCertPem: string, user: string, token: string): string {
  const name = 'kcp-tmc-real';
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: { server, 'certificate-authority-data': Buffer.from(caCertPem).toString('base64') },
        },
      ],
      users: [{ name: user, user: { token } }],
      contexts: [{ name, context: { cluster: name, user } }],
      'current-context': name,
    },
    null,
    2,
  )}\n`;
}
