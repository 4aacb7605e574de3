import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type KcpBinaries, type ResolveKcpBinariesOptions, resolveKcpBinaries } from './binaries.js';
import { RealApiserverStartError } from './errors.js';
import { getOnce } from './https-get.js';
import { tokenKubeconfig } from './kubeconfig.js';
import { type RealJsonResponse, realRequest } from './plain-upstream.js';
import { retryLostPortRace } from './port-race.js';
import { pickFreePorts } from './ports.js';
import { ControlPlaneProcess, waitFor } from './process.js';
import { ProcessGroup } from './process-group.js';

export interface RealKcpOptions extends ResolveKcpBinariesOptions {
  /** Deadline for kcp to serve /readyz and bootstrap root:compute, after the binaries are found. Default 180 s. */
  readonly startTimeoutMs?: number;
  /** Extra `kcp start` flags, appended after ours so they win. */
  readonly args?: readonly string[];
}

/** A workspace of the real kcp and how to reach it as kcp's admin. */
export interface RealKcpWorkspace {
  /** `root:org`. */
  readonly path: string;
  /** Its logical-cluster name (what `kubectl kcp workload sync` puts in `--from-cluster`). */
  readonly cluster: string;
  /** `https://127.0.0.1:<port>/clusters/<path>`. */
  readonly url: string;
  /** Admin kubeconfig whose current context is this workspace (what kubectl-kcp plugins act on). */
  readonly kubeconfigPath: string;
}

export interface RealKcp {
  /** `https://127.0.0.1:<port>`: the base URL, without a /clusters path. */
  readonly url: string;
  readonly caCertPem: string;
  /** kcp's admin token (user kcp-admin). */
  readonly token: string;
  /** kcp's own admin.kubeconfig (contexts root, base, system:admin). */
  readonly adminKubeconfigPath: string;
  readonly binaries: KcpBinaries;
  /** A directory for the caller's files (kubeconfigs, generated manifests); removed by stop(). */
  readonly dir: string;
  /** The kcp process log, for failure messages. */
  logTail(lines?: number): string;
  /** One JSON request as kcp's admin; `path` includes any /clusters/<name> prefix. */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<RealJsonResponse>;
  /** Creates `<parent>:<name>` of a workspace type and waits until it is Ready. */
  createWorkspace(name: string, options?: { parent?: string; type?: string }): Promise<RealKcpWorkspace>;
  /** Stops kcp (SIGTERM, then SIGKILL) and removes every file. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts kcp v0.11 (`kcp start`, embedded etcd, TMC built in) on free loopback ports in a fresh directory, waits
 * until it serves /readyz and TMC has bootstrapped `root:compute`, and reads its admin kubeconfig. Throws
 * RealApiserverUnavailableError when Go (to build kcp) is missing, RealApiserverStartError when kcp fails.
 */
export async function startRealKcp(options: RealKcpOptions = {}): Promise<RealKcp> {
  const binaries = await resolveKcpBinaries(options);
  return retryLostPortRace(() => startOnce(binaries, options));
}

async function startOnce(binaries: KcpBinaries, options: RealKcpOptions): Promise<RealKcp> {
  const dir = await mkdtemp(join(tmpdir(), 'kcp-tmc-kcp-'));
  const rootDir = join(dir, 'root');
  // kcp stops its embedded etcd too: it keeps the 10 s grace it always had, not the default 5 s.
  const group = new ProcessGroup(dir, 10_000);
  const stop = () => group.stop();
  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
    const [port, etcdClient, etcdPeer] = (await pickFreePorts(3)) as [number, number, number];
    const kcp = group.add(
      ControlPlaneProcess.start(
        'kcp',
        binaries.kcp,
        [
          'start',
          `--root-directory=${rootDir}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${port}`,
          '--external-hostname=127.0.0.1',
          `--embedded-etcd-client-port=${etcdClient}`,
          `--embedded-etcd-peer-port=${etcdPeer}`,
          // TMC's root:compute workspace (kcp's `kubernetes` APIExport) and the organization/universal types.
          '--batteries-included=root-compute-workspace,workspace-types',
          ...(options.args ?? []),
        ],
        join(dir, 'kcp.log'),
      ),
    );
    const admin = await waitForAdminKubeconfig(kcp, join(rootDir, 'admin.kubeconfig'), deadline);
    const url = `https://127.0.0.1:${port}`;
    const server = { url, token: admin.token, caCertPem: admin.caCertPem };
    const request = (method: string, path: string, body?: unknown, contentType?: string) =>
      realRequest(server, method, path, body, contentType);
    await waitUntil(kcp, deadline, 'kcp /readyz', async () => {
      const answer = await getOnce(`${url}/readyz`, { ca: admin.caCertPem, token: admin.token });
      return answer?.status === 200 ? true : undefined;
    });
    // TMC bootstraps root:compute (with the `kubernetes` APIExport) after /readyz; workload sync needs it.
    await waitUntil(kcp, deadline, 'workspace root:compute Ready', async () => {
      const ws = await request('GET', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/compute');
      return workspacePhase(ws.body) === 'Ready' ? true : undefined;
    });
    return {
      url,
      caCertPem: admin.caCertPem,
      token: admin.token,
      adminKubeconfigPath: join(rootDir, 'admin.kubeconfig'),
      binaries,
      dir,
      logTail: (lines) => kcp.logTail(lines),
      request,
      createWorkspace: (name, ws = {}) =>
        createWorkspace(server, dir, name, ws.parent ?? 'root', ws.type ?? 'root:organization'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface AdminCredentials {
  readonly token: string;
  readonly caCertPem: string;
}

/** kcp writes admin.kubeconfig once its certificates and admin token exist; read the kcp-admin token and CA. */
async function waitForAdminKubeconfig(
  kcp: ControlPlaneProcess,
  path: string,
  deadline: number,
): Promise<AdminCredentials> {
  return waitUntil(kcp, deadline, `${path} written`, async () => {
    try {
      return adminCredentialsOf(readFileSync(path, 'utf8'));
    } catch {
      return undefined; // not created yet
    }
  });
}

/**
 * The kcp-admin token and CA of an admin.kubeconfig's text; undefined while kcp is still writing it (an empty
 * file parses as null, a half-written one may not parse at all).
 */
export function adminCredentialsOf(text: string): AdminCredentials | undefined {
  let config: {
    clusters?: Array<{ name: string; cluster: { 'certificate-authority-data'?: string } }>;
    users?: Array<{ name: string; user: { token?: string } }>;
  } | null;
  try {
    config = parse(text) as typeof config;
  } catch {
    return undefined;
  }
  if (config === null || typeof config !== 'object') return undefined;
  const token = config.users?.find((u) => u.user?.token !== undefined)?.user.token;
  const ca = config.clusters?.find((c) => c.cluster?.['certificate-authority-data'])?.cluster[
    'certificate-authority-data'
  ];
  if (token === undefined || ca === undefined) return undefined;
  return { token, caCertPem: Buffer.from(ca, 'base64').toString('utf8') };
}

async function createWorkspace(
  server: { url: string; token: string; caCertPem: string },
  dir: string,
  name: string,
  parent: string,
  type: string,
): Promise<RealKcpWorkspace> {
  const separator = type.lastIndexOf(':');
  const workspace = {
    apiVersion: 'tenancy.kcp.io/v1alpha1',
    kind: 'Workspace',
    metadata: { name },
    spec: { type: { name: type.slice(separator + 1), path: type.slice(0, separator) } },
  };
  const base = `/clusters/${parent}/apis/tenancy.kcp.io/v1alpha1/workspaces`;
  const created = await realRequest(server, 'POST', base, workspace);
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(
      `creating workspace ${parent}:${name}: HTTP ${created.status} ${JSON.stringify(created.body)}`,
    );
  }
  const path = `${parent}:${name}`;
  const cluster = await waitFor(
    async () => {
      const ws = await realRequest(server, 'GET', `${base}/${name}`);
      const body = ws.body as { spec?: { cluster?: string } };
      return workspacePhase(ws.body) === 'Ready' ? body.spec?.cluster : undefined;
    },
    Date.now() + 60_000,
    200,
  );
  if (cluster === undefined) throw new Error(`workspace ${path} not Ready within 60 s`);
  const url = `${server.url}/clusters/${path}`;
  const kubeconfigPath = join(dir, `admin-${path.replaceAll(':', '_')}.kubeconfig`);
  await writeFile(kubeconfigPath, tokenKubeconfig(url, server.caCertPem, 'kcp-admin', server.token), {
    mode: 0o600,
  });
  return { path, cluster, url, kubeconfigPath };
}

function workspacePhase(body: unknown): string | undefined {
  return (body as { status?: { phase?: string } } | undefined)?.status?.phase;
}

/** Polls `check` every 250 ms until it gives a value; fails at once, with kcp's log, when kcp exits. */
async function waitUntil<T>(
  kcp: ControlPlaneProcess,
  deadline: number,
  what: string,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const value = await waitFor(
    async () => {
      if (kcp.exitDescription !== undefined) {
        throw new RealApiserverStartError(`kcp ${kcp.exitDescription}`, kcp.logTail());
      }
      return check();
    },
    deadline,
    250,
  );
  if (value === undefined) {
    throw new RealApiserverStartError(`kcp: ${what} not reached before the deadline`, kcp.logTail());
  }
  return value;
}
