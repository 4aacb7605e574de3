import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrdSupport } from './api/crd.js';
import { ResourceRegistry } from './api/registry.js';
import { ResourceService } from './api/service.js';
import { ServiceAllocator, type ServiceAllocatorOptions } from './api/service-allocator.js';
import { ApiError } from './api/status.js';
import { ControllerManager, type ControllerOptions } from './controllers/manager.js';
import { FaultController, type FaultOptions } from './faults/faults.js';
import { installKcpMode, type KcpResolver, ROOT_CLUSTER } from './kcp/kcp-mode.js';
import { buildKubeconfig } from './kubeconfig.js';
import type { AccessRules } from './server/access-review.js';
import { PodLogStore } from './server/pod-logs.js';
import { type ClusterResolver, KubeApiServer, type KubeApiServerOptions } from './server/server.js';
import type { RequestStats } from './server/stats.js';
import { generateServingCertificate, type ServingCertificate } from './server/tls.js';
import { ObjectStore } from './store/store.js';

export interface KcpOptions {
  /** Logical clusters to create at start (any `/clusters/<name>` is created on first use anyway). */
  clusters?: string[];
  /**
   * kcp's --sync-target-heartbeat-threshold (default 1 minute): a SyncTarget whose
   * `status.lastSyncerHeartbeatTime` is older turns HeartbeatHealthy and Ready False.
   */
  heartbeatThresholdMs?: number;
  /**
   * CRDs are each workspace's own, as in kcp v0.11: no `/clusters/*` request serves them, and discovery answers
   * their group/version in every cluster with no resources. Default false: wildcard requests serve them as if
   * they were bound through an APIExport (what the agent's wildcard-mode tests rely on).
   */
  localCrds?: boolean;
}

export interface KubeSimulatorOptions {
  /**
   * kcp mode: logical clusters under `/clusters/<name>`, wildcard `/clusters/*` list/watch, the
   * `kcp.io/cluster` annotation on every object, SyncTarget virtual workspace URLs and the syncer virtual
   * workspace at `/services/syncer/<cluster>/<synctarget>/<uid>/clusters/*`. The kubeconfig's current
   * context is `root` (`/clusters/root`); context `base` is the bare server.
   */
  kcp?: boolean | KcpOptions;
  /** Port to listen on (default: an ephemeral port). */
  port?: number;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /**
   * Serve HTTPS: `true` generates a throwaway CA and serving certificate (localhost, 127.0.0.1, ::1); or
   * bring your own PEMs. The kubeconfig carries the CA data.
   */
  tls?: boolean | ServingCertificate;
  /** Bearer token every request must carry (401 without it). No auth when omitted. */
  token?: string;
  /** Fault injection settings at start; the controller is also returned for scripting. */
  faults?: FaultOptions;
  /** Answers for SelfSubjectAccessReview (default: everything allowed). */
  accessRules?: AccessRules;
  /** Watch history kept per resource (default 10,000 changes). */
  historySize?: number;
  /** Interval of watch bookmarks (default 60 s, like kube-apiserver). */
  bookmarkIntervalMs?: number;
  /** Service cluster IP range and node port range. */
  services?: ServiceAllocatorOptions;
  /**
   * Opt-in fake controllers so workloads visibly run: Deployments → ReplicaSets → Pods becoming Running and
   * Ready (with logs and Events), Jobs completing, namespace deletion cascade and garbage collection.
   * `true` enables them all.
   */
  controllers?: boolean | ControllerOptions;
  /** Where to write the kubeconfig file (default: a new temporary directory, removed on stop). */
  kubeconfigPath?: string;
}

export interface KubeSimulator {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Kubeconfig YAML pointing at the simulator (with token and CA data). */
  kubeconfig: string;
  /** The same kubeconfig, written to a file. */
  kubeconfigPath: string;
  token: string | undefined;
  /** PEM of the CA that signed the serving certificate (TLS only). */
  caPem: string | undefined;
  faults: FaultController;
  /** Request counters by verb and resource since start (or the last resetStats). */
  stats(): RequestStats;
  resetStats(): void;
  setAccessRules(rules: AccessRules): void;
  /** The object store (advanced: direct inspection in tests). */
  store: ObjectStore;
  /** In-process API with full server semantics (advanced: seeding objects without HTTP). */
  service: ResourceService;
  logs: PodLogStore;
  /** A kubeconfig whose server is one logical cluster (`<url>/clusters/<cluster>`); kcp mode only. */
  kubeconfigFor(cluster: string): string;
  stop(): Promise<void>;
}

const PLAIN_CLUSTER = '';
const PLAIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function createNamespace(service: ResourceService, cluster: string, name: string): void {
  const rt = service.registry.lookupGroupResource(cluster, '', 'namespaces')!;
  try {
    service.create(
      { cluster, rt, version: 'v1', namespace: undefined },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { fieldManager: 'kube-apiserver' },
    );
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
  }
}

/** Logical clusters and the syncer virtual workspace in kcp mode; one cluster and its namespaces otherwise. */
function clusterResolver(
  service: ResourceService,
  kcp: KcpOptions | undefined,
  tls: ServingCertificate | undefined,
  url: () => string,
): { resolver: ClusterResolver; kcpMode: KcpResolver | undefined } {
  if (!kcp) {
    for (const ns of PLAIN_NAMESPACES) createNamespace(service, PLAIN_CLUSTER, ns);
    return {
      resolver: { defaultCluster: PLAIN_CLUSTER, kcp: false, ensureCluster: () => undefined },
      kcpMode: undefined,
    };
  }
  const kcpMode = installKcpMode(service, {
    baseUrl: url,
    // kcp always serves TLS: without it here, a CA of its own still goes into kube-root-ca.crt.
    caPem: (tls ?? generateServingCertificate()).caPem,
    createNamespace: (c, n) => createNamespace(service, c, n),
    ...(kcp.heartbeatThresholdMs !== undefined ? { heartbeatThresholdMs: kcp.heartbeatThresholdMs } : {}),
  });
  for (const cluster of [ROOT_CLUSTER, ...(kcp.clusters ?? [])]) kcpMode.ensureCluster(cluster);
  return { resolver: kcpMode, kcpMode };
}

/** Writes the kubeconfig (mode 0600) to the given path, or to a temporary directory removed on stop. */
async function writeKubeconfig(
  path: string | undefined,
  kubeconfig: string,
): Promise<{ kubeconfigPath: string; tempDir: string | undefined }> {
  let tempDir: string | undefined;
  let kubeconfigPath = path;
  if (!kubeconfigPath) {
    tempDir = await mkdtemp(join(tmpdir(), 'kube-sim-'));
    kubeconfigPath = join(tempDir, 'kubeconfig');
  }
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return { kubeconfigPath, tempDir };
}

/** The HTTP(S) listener over the simulator's parts, with the fault controller attached to it. */
function createApiServer(
  options: KubeSimulatorOptions,
  parts: Pick<KubeApiServerOptions, 'service' | 'registry' | 'store' | 'logs' | 'resolver'> & {
    faults: FaultController;
    tls: ServingCertificate | undefined;
  },
  accessRules: () => AccessRules,
): KubeApiServer {
  const { service, registry, store, logs, resolver, faults, tls } = parts;
  const kcp = typeof options.kcp === 'object' ? options.kcp : undefined;
  const server = new KubeApiServer({
    ...(tls ? { tls: { key: tls.keyPem, cert: tls.certPem } } : {}),
    service,
    registry,
    store,
    logs,
    resolver,
    interceptor: faults,
    accessRules,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
    ...(kcp?.localCrds === true ? { localCrds: true } : {}),
  });
  faults.attach({
    dropWatches: () => server.watches.dropAll(),
    compact: () => store.compact(),
    stopListening: () => server.stopListening(),
    resumeListening: () => server.resumeListening(),
    destroyConnections: () => server.destroyConnections(),
  });
  return server;
}

/** Starts an in-process Kubernetes API server simulator on an HTTP port. */
export async function startKubeSimulator(options: KubeSimulatorOptions = {}): Promise<KubeSimulator> {
  const kcp =
    options.kcp === undefined || options.kcp === false ? undefined : options.kcp === true ? {} : options.kcp;
  const store = new ObjectStore(
    options.historySize !== undefined ? { historySize: options.historySize } : {},
  );
  const registry = new ResourceRegistry();
  const service = new ResourceService(store, registry, {
    kcp: kcp !== undefined,
    allocator: new ServiceAllocator(options.services),
  });
  installCrdSupport(service);
  const logs = new PodLogStore();
  const faults = new FaultController(options.faults);
  let accessRules: AccessRules = options.accessRules ?? { rules: [] };
  let url = '';
  const tls = options.tls === true ? generateServingCertificate() : options.tls || undefined;
  const { resolver, kcpMode } = clusterResolver(service, kcp, tls, () => url);
  const server = createApiServer(
    options,
    { service, registry, store, logs, resolver, faults, tls },
    () => accessRules,
  );
  const controllers =
    options.controllers === undefined || options.controllers === false
      ? undefined
      : new ControllerManager(service, logs, options.controllers === true ? {} : options.controllers, () =>
          faults.waitUntilResumed(),
        );
  url = await server.listen();
  const kubeconfigFor = (cluster: string) =>
    buildKubeconfig({
      server: `${url}/clusters/${cluster}`,
      token: options.token,
      caPem: tls?.caPem,
      contexts: { base: url },
    });
  const kubeconfig = kcp
    ? kubeconfigFor(ROOT_CLUSTER)
    : buildKubeconfig({ server: url, token: options.token, caPem: tls?.caPem });
  const { kubeconfigPath, tempDir } = await writeKubeconfig(options.kubeconfigPath, kubeconfig);
  let stopped = false;
  return {
    url,
    kubeconfig,
    kubeconfigPath,
    token: options.token,
    caPem: tls?.caPem,
    faults,
    stats: () => server.stats.snapshot(),
    resetStats: () => server.stats.reset(),
    setAccessRules: (rules) => {
      accessRules = rules;
    },
    store,
    service,
    logs,
    kubeconfigFor(cluster) {
      if (!kcp) throw new Error('kubeconfigFor needs kcp mode');
      return kubeconfigFor(cluster);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      controllers?.stop();
      kcpMode?.stop();
      faults.resume();
      await faults.heal();
      await server.close();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}
