// kcp's pod-template mutation for Deployments (kcp: pkg/syncer/spec/mutators/deployment.go), on raw JSON. The
// Deployment controller hashes the template's values into `pod-template-hash`, so every list (env, volume
// mounts, volumes) keeps kcp's order: existing entries stay where they are, new ones are appended.

import { isRecord } from '@kcp-tmc/interfaces';

type JsonObject = Record<string, unknown>;

/** The projected volume that replaces the downstream service-account token. */
export const KCP_API_ACCESS_VOLUME = 'kcp-api-access';
/** Where Kubernetes mounts a service-account token, and kcp mounts its volume instead. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What a pod template needs to reach kcp instead of the downstream API server. */
export interface KcpApiAccess {
  /** Host and port of the upstream URL as written (an absent port stays empty, as Go's `url.Port()`). */
  readonly host: string;
  readonly port: string;
  /** The downstream name of the token Secret to mount (`kcp-default-token-*` for the default account). */
  readonly tokenSecret: string;
}

function objectsIn(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Host and port of a URL as Go's `url.Hostname()`/`url.Port()` read them (no default port filled in). */
export function hostAndPort(url: string): { host: string; port: string } {
  const afterScheme = url.includes('://') ? url.slice(url.indexOf('://') + 3) : url;
  const authority = afterScheme.split(/[/?#]/, 1)[0] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    const rest = close < 0 ? '' : hostPort.slice(close + 1);
    return {
      host: close < 0 ? hostPort.slice(1) : hostPort.slice(1, close),
      port: rest.startsWith(':') ? rest.slice(1) : '',
    };
  }
  const colon = hostPort.lastIndexOf(':');
  return colon < 0
    ? { host: hostPort, port: '' }
    : { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

/** The service account whose token the pods get: the template's, or `default` (kcp's choice). */
export function desiredServiceAccount(podSpec: JsonObject): string {
  const name = podSpec.serviceAccountName;
  return typeof name === 'string' && name !== '' ? name : 'default';
}

// Go's encoding drops an empty string value (`omitempty`); so does ours.
function envVar(name: string, value: string): JsonObject {
  return value === '' ? { name } : { name, value };
}

function setEnv(envs: JsonObject[], name: string, value: string): JsonObject[] {
  const existing = envs.find((env) => env.name === name);
  if (existing === undefined) return [...envs, envVar(name, value)];
  // kcp overwrites the value only (a valueFrom stays, and the API server rejects the pair, as with kcp).
  if (value === '') delete existing.value;
  else existing.value = value;
  return envs;
}

// The downward API would report the downstream namespace; the workload lives in its upstream one.
function resolveNamespaceFieldRefs(envs: JsonObject[], upstreamNamespace: string): JsonObject[] {
  return envs.map((env) => {
    const from = env.valueFrom;
    if (isRecord(from) && isRecord(from.fieldRef) && from.fieldRef.fieldPath === 'metadata.namespace') {
      return envVar(String(env.name ?? ''), upstreamNamespace);
    }
    return env;
  });
}

function setVolumeMount(mounts: JsonObject[], mount: JsonObject): JsonObject[] {
  const at = mounts.findIndex((m) => m.name === mount.name);
  if (at < 0) return [...mounts, mount];
  mounts[at] = mount;
  return mounts;
}

function apiAccessVolume(tokenSecret: string): JsonObject {
  return {
    name: KCP_API_ACCESS_VOLUME,
    projected: {
      defaultMode: 420,
      sources: [
        {
          secret: {
            name: tokenSecret,
            items: [
              { key: 'token', path: 'token' },
              { key: 'namespace', path: 'namespace' },
            ],
          },
        },
        { configMap: { name: 'kcp-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
    },
  };
}

function mutateContainer(container: JsonObject, upstreamNamespace: string, access?: KcpApiAccess): void {
  let envs = objectsIn(container.env);
  if (access !== undefined) {
    envs = setEnv(envs, 'KUBERNETES_SERVICE_PORT', access.port);
    envs = setEnv(envs, 'KUBERNETES_SERVICE_PORT_HTTPS', access.port);
    envs = setEnv(envs, 'KUBERNETES_SERVICE_HOST', access.host);
  }
  envs = resolveNamespaceFieldRefs(envs, upstreamNamespace);
  if (envs.length > 0) container.env = envs;
  if (access !== undefined) {
    container.volumeMounts = setVolumeMount(objectsIn(container.volumeMounts), {
      name: KCP_API_ACCESS_VOLUME,
      mountPath: SERVICE_ACCOUNT_MOUNT_PATH,
      readOnly: true,
    });
  }
}

/**
 * Mutates one pod spec in place as kcp does for Deployments: token automount off, `serviceAccountName` cleared
 * (only that field: kcp leaves the deprecated `serviceAccount`), and in every container (init and ephemeral
 * too) `KUBERNETES_SERVICE_PORT`, `_PORT_HTTPS`, `_HOST` pointing at kcp, downward-API `metadata.namespace`
 * resolved to the upstream namespace, and the `kcp-api-access` projected volume (token and namespace from the
 * token Secret, `ca.crt` from `kcp-root-ca.crt`) mounted at the service-account path. Without `access` (no
 * upstream URL or token source configured) only automount, the service account and the downward API change.
 */
export function mutatePodSpec(spec: JsonObject, upstreamNamespace: string, access?: KcpApiAccess): void {
  spec.automountServiceAccountToken = false;
  delete spec.serviceAccountName;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const container of objectsIn(spec[key])) mutateContainer(container, upstreamNamespace, access);
  }
  if (access === undefined) return;
  const volume = apiAccessVolume(access.tokenSecret);
  const volumes = objectsIn(spec.volumes);
  const at = volumes.findIndex((v) => v.name === KCP_API_ACCESS_VOLUME);
  if (at < 0) volumes.push(volume);
  else volumes[at] = volume;
  spec.volumes = volumes;
}

/** kcp's pod DNS for a workspace: its nameserver only, the upstream namespace's search path, ndots 5. */
export function setWorkspaceDns(spec: JsonObject, upstreamNamespace: string, nameserver: string): void {
  spec.dnsPolicy = 'None';
  spec.dnsConfig = {
    nameservers: [nameserver],
    searches: [`${upstreamNamespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'],
    options: [{ name: 'ndots', value: '5' }],
  };
}
