// Static credentials of a kubeconfig context, read the way client-node reads them (file wins over data, data
// is base64), without importing client-node.
import { readFile } from 'node:fs/promises';
import type { KubeCluster, KubeUser } from './kubeconfig-model.js';

/** TLS settings for a connection to the cluster, as node:https Agent options. */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** The in-cluster user's provider: a token file re-read now and then (client-node's `tokenFile`). */
export function tokenFileOf(user: KubeUser | null): string | undefined {
  const provider = user?.authProvider as
    | { name?: unknown; config?: { tokenFile?: unknown } }
    | null
    | undefined;
  const file = provider?.config?.tokenFile;
  return provider?.name === 'tokenFile' && typeof file === 'string' ? file : undefined;
}

async function fileOrData(
  file: string | null | undefined,
  data: string | null | undefined,
): Promise<Buffer | undefined> {
  if (file) return readFile(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}

/**
 * CA, client certificate and key (files are read on every call: a failure is not remembered), TLS verification
 * and server name. rejectUnauthorized is set only when verification is off, as client-node does, so
 * NODE_TLS_REJECT_UNAUTHORIZED keeps its meaning.
 */
export async function tlsMaterial(cluster: KubeCluster | null, user: KubeUser | null): Promise<TlsMaterial> {
  const tls: TlsMaterial = {};
  if (cluster?.skipTLSVerify === true) tls.rejectUnauthorized = false;
  if (cluster?.tlsServerName) tls.servername = cluster.tlsServerName;
  const ca = await fileOrData(cluster?.caFile, cluster?.caData);
  if (ca !== undefined) tls.ca = ca;
  const cert = await fileOrData(user?.certFile, user?.certData);
  if (cert !== undefined) tls.cert = cert;
  const key = await fileOrData(user?.keyFile, user?.keyData);
  if (key !== undefined) tls.key = key;
  return tls;
}

/** Authorization (bearer token, else basic) and impersonation headers; `token` overrides the user's own. */
export function authHeaders(user: KubeUser | null, token?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (user?.impersonateUser != null) headers['Impersonate-User'] = user.impersonateUser;
  const bearer = token ?? user?.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  else if (user?.username) {
    headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  }
  return headers;
}
