// Reads kubeconfig files the way client-node's KubeConfig does (same defaults, same in-cluster config, same
// errors for invalid entries), without importing it.
import { accessSync, existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { KubeCluster, KubeConfigData, KubeContext, KubeUser } from './kubeconfig-model.js';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Entry = Record<string, unknown> & { name?: unknown };

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function entries(list: unknown): Entry[] {
  return Array.isArray(list) ? (list as Entry[]) : [];
}

/**
 * An entry's name, its nested section (`cluster`, `context`) and that section's one required field, or
 * client-node's error naming what is missing (`clusters[0].cluster.server is missing`).
 */
function named(
  elt: Entry,
  where: string,
  section: string,
  field: string,
): { name: string; body: Record<string, unknown>; required: string } {
  if (!elt.name) throw new Error(`${where}.name is missing`);
  const body = elt[section] as Record<string, unknown> | undefined;
  if (!body) throw new Error(`${where}.${section} is missing`);
  const required = str(body[field]);
  if (!required) throw new Error(`${where}.${section}.${field} is missing`);
  return { name: String(elt.name), body, required };
}

function cluster(elt: Entry, i: number): KubeCluster {
  const { name, body: c, required: server } = named(elt, `clusters[${i}]`, 'cluster', 'server');
  return {
    name,
    server: server.replace(/\/$/, ''),
    caData: str(c['certificate-authority-data']),
    caFile: str(c['certificate-authority']),
    skipTLSVerify: c['insecure-skip-tls-verify'] === true,
    tlsServerName: str(c['tls-server-name']),
    proxyUrl: str(c['proxy-url']),
  };
}

function user(elt: Entry, i: number, root: string | undefined): KubeUser {
  if (!elt.name) throw new Error(`users[${i}].name is missing`);
  const u = (elt.user ?? {}) as Record<string, unknown>;
  // A token-file is read once, at load, as client-node does; relative to the kubeconfig, as client-go does.
  const tokenFile = root === undefined ? str(u['token-file']) : absolute(root, str(u['token-file']));
  const token = str(u.token) || (tokenFile ? readFileSync(tokenFile, 'utf8') : undefined);
  return {
    name: String(elt.name),
    token,
    username: str(u.username),
    password: str(u.password),
    certData: str(u['client-certificate-data']),
    certFile: str(u['client-certificate']),
    keyData: str(u['client-key-data']),
    keyFile: str(u['client-key']),
    impersonateUser: str(u.as),
    exec: u.exec ?? null,
    authProvider: u['auth-provider'] ?? null,
  };
}

function context(elt: Entry, i: number): KubeContext {
  const { name, body: c, required: clusterName } = named(elt, `contexts[${i}]`, 'context', 'cluster');
  return {
    name,
    cluster: clusterName,
    user: str(c.user) || undefined,
    namespace: str(c.namespace) || undefined,
  };
}

/** Kubeconfig content, YAML or JSON; `root`: the directory relative files are in. */
export function parseKubeConfig(text: string, root?: string): KubeConfigData {
  const obj = (parse(text) ?? {}) as Record<string, unknown>;
  return {
    clusters: entries(obj.clusters).map(cluster),
    users: entries(obj.users).map((u, i) => user(u, i, root)),
    contexts: entries(obj.contexts).map(context),
    currentContext: str(obj['current-context']) ?? '',
  };
}

function absolute(root: string, file: string | null | undefined): string | undefined {
  if (!file) return undefined;
  return isAbsolute(file) ? file : join(root, file);
}

/** A kubeconfig file; relative certificate paths are taken from the file's directory. */
export function readKubeConfigFile(file: string): KubeConfigData {
  const root = dirname(file);
  const data = parseKubeConfig(readFileSync(file, 'utf8'), root);
  return {
    ...data,
    clusters: data.clusters.map((c) => ({ ...c, caFile: absolute(root, c.caFile) })),
    users: data.users.map((u) => ({
      ...u,
      certFile: absolute(root, u.certFile),
      keyFile: absolute(root, u.keyFile),
    })),
  };
}

/**
 * The pod's service account: `KUBERNETES_SERVICE_HOST`/`_PORT`, the CA file, and the token file as an auth
 * provider, so it is re-read (rotated tokens).
 */
export function inClusterConfig(pathPrefix = ''): KubeConfigData {
  const host = process.env.KUBERNETES_SERVICE_HOST ?? '';
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '';
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const serverHost = isIPv6(host) ? `[${host}]` : host;
  const dir = `${pathPrefix}${SERVICE_ACCOUNT_DIR}`;
  const namespaceFile = `${dir}/namespace`;
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8') : undefined;
  return {
    clusters: [
      {
        name: 'inCluster',
        server: `${scheme}://${serverHost}:${port}`,
        caFile: `${dir}/ca.crt`,
        skipTLSVerify: false,
      },
    ],
    users: [
      { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: `${dir}/token` } } },
    ],
    contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace }],
    currentContext: 'inClusterContext',
  };
}

function merge(into: KubeConfigData, other: KubeConfigData): void {
  if (other.currentContext) into.currentContext = other.currentContext;
  const add = <T extends { name: string }>(list: T[], items: T[], kind: string): void => {
    for (const item of items) {
      if (list.some((x) => x.name === item.name)) throw new Error(`Duplicate ${kind}: ${item.name}`);
      list.push(item);
    }
  };
  add(into.clusters, other.clusters, 'cluster');
  add(into.users, other.users, 'user');
  add(into.contexts, other.contexts, 'context');
}

function homeDir(): string | undefined {
  const home = process.env.HOME;
  if (!home) return undefined;
  try {
    accessSync(home);
    return home;
  } catch {
    return undefined;
  }
}

/**
 * client-node's defaults: the files in KUBECONFIG (merged), else ~/.kube/config, else the pod's service
 * account, else an anonymous cluster at http://localhost:8080 (callers that must not use it recognise it).
 */
export function defaultKubeConfig(): KubeConfigData {
  const env = process.env.KUBECONFIG ?? '';
  if (env.length > 0) {
    const [first, ...rest] = env.split(delimiter).filter((f) => f);
    const data = readKubeConfigFile(first ?? '');
    for (const file of rest) merge(data, readKubeConfigFile(file));
    return data;
  }
  const home = homeDir();
  const file = home === undefined ? undefined : join(home, '.kube', 'config');
  if (file !== undefined && existsSync(file)) return readKubeConfigFile(file);
  if (existsSync(`${SERVICE_ACCOUNT_DIR}/token`)) return inClusterConfig();
  return {
    clusters: [{ name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false }],
    users: [{ name: 'user' }],
    contexts: [{ name: 'loaded-context', cluster: 'cluster', user: 'user' }],
    currentContext: 'loaded-context',
  };
}
