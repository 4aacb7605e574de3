import { request } from 'node:https';
import { RealApiserverUnavailableError } from './errors.js';
import {
  type RealKubeApiserver,
  type RealKubeApiserverOptions,
  startRealKubeApiserver,
} from './kube-apiserver.js';
import { waitFor } from './process.js';

/** One JSON answer from the real server. */
export interface RealJsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One JSON request to a real kube-apiserver as its admin (bearer token, its CA). For test set-up only: the
 * code under test talks through @kcp-tmc/kube, this keeps @kcp-tmc/testing free of our own packages.
 */
export function realRequest(
  server: Pick<RealKubeApiserver, 'url' | 'token' | 'caCertPem'>,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<RealJsonResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method,
        ca: server.caCertPem,
        timeout: 30_000,
        headers: {
          authorization: `Bearer ${server.token}`,
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // Not JSON (rare: some errors are plain text); hand the text back as it is.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const OPEN = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** kcp's SyncTarget as a cluster-scoped CRD with a status subresource (spec and status left open). */
export const SYNC_TARGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'synctargets.workload.kcp.io' },
  spec: {
    group: 'workload.kcp.io',
    scope: 'Cluster',
    names: { plural: 'synctargets', singular: 'synctarget', kind: 'SyncTarget', listKind: 'SyncTargetList' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: OPEN, status: OPEN } } },
      },
    ],
  },
} as const;

/**
 * Creates a CRD on a real server and waits until it is Established and its resource answers a list (discovery
 * lags the condition a little). A CRD that already exists is waited on as it is.
 */
export async function installCrd(
  server: Pick<RealKubeApiserver, 'url' | 'token' | 'caCertPem'>,
  crd: { readonly metadata: { readonly name: string }; readonly spec: unknown },
  timeoutMs = 60_000,
): Promise<void> {
  const created = await realRequest(
    server,
    'POST',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    crd,
  );
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(
      `creating CRD ${crd.metadata.name}: HTTP ${created.status} ${JSON.stringify(created.body)}`,
    );
  }
  const spec = crd.spec as {
    group: string;
    scope: string;
    names: { plural: string };
    versions: Array<{ name: string }>;
  };
  const version = spec.versions[0]?.name ?? 'v1';
  const listPath =
    spec.scope === 'Cluster'
      ? `/apis/${spec.group}/${version}/${spec.names.plural}`
      : `/apis/${spec.group}/${version}/namespaces/default/${spec.names.plural}`;
  const deadline = Date.now() + timeoutMs;
  const served = await waitFor(
    async () => {
      const current = await realRequest(
        server,
        'GET',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
      );
      const conditions =
        (current.body as { status?: { conditions?: Array<{ type: string; status: string }> } }).status
          ?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return undefined;
      return (await realRequest(server, 'GET', listPath)).status === 200 ? true : undefined;
    },
    deadline,
    100,
  );
  if (served !== true) throw new Error(`CRD ${crd.metadata.name} not served within ${timeoutMs} ms`);
}

/** What a real-server suite gets from `startRealServers`: its servers, or why there are none. */
export type RealServers<Names extends string> =
  | {
      readonly available: true;
      readonly servers: Readonly<Record<Names, RealKubeApiserver>>;
      stop(): Promise<void>;
    }
  | { readonly available: false; readonly reason: string; stop(): Promise<void> };

export interface RealServerSpec extends RealKubeApiserverOptions {
  /** Install kcp's SyncTarget CRD: a plain-mode upstream. */
  readonly syncTargetCrd?: boolean;
}

/**
 * Starts named real control planes at once (e.g. `{ upstream: { syncTargetCrd: true }, downstream: {
 * controllerManager: true } }`). When the machine cannot run them (RealApiserverUnavailableError) it answers
 * `available: false` with the reason, for the suite to skip with; any other failure stops what started and throws.
 */
export async function startRealServers<Names extends string>(
  specs: Readonly<Record<Names, RealServerSpec>>,
): Promise<RealServers<Names>> {
  const names = Object.keys(specs) as Names[];
  const outcomes = await Promise.allSettled(
    names.map(async (name) => {
      const spec: RealServerSpec = specs[name];
      const { syncTargetCrd, ...options } = spec;
      const server = await startRealKubeApiserver(options);
      try {
        if (syncTargetCrd) await installCrd(server, SYNC_TARGET_CRD);
      } catch (error) {
        await server.stop();
        throw error;
      }
      return server;
    }),
  );
  const started = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const stopAll = async () => {
    await Promise.all(started.map((server) => server.stop()));
  };
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length > 0) {
    await stopAll();
    const unavailable = failures.find((f) => f instanceof RealApiserverUnavailableError);
    const other = failures.find((f) => !(f instanceof RealApiserverUnavailableError));
    if (other !== undefined) throw other;
    const error = unavailable as RealApiserverUnavailableError;
    return {
      available: false,
      reason: `real kube-apiserver unavailable (${error.reason}): ${error.message}`,
      stop: async () => {},
    };
  }
  const servers = Object.fromEntries(names.map((name, i) => [name, started[i]])) as Record<
    Names,
    RealKubeApiserver
  >;
  return { available: true, servers, stop: stopAll };
}
