import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KubeBinaries, type ResolveKubeBinariesOptions, resolveKubeBinaries } from './binaries.js';
import { RealApiserverStartError } from './errors.js';
import { EtcdMember } from './etcd-member.js';
import { getOnce } from './https-get.js';
import { tokenKubeconfig } from './kubeconfig.js';
import { type ControlPlanePki, writeControlPlanePki } from './pki.js';
import { retryLostPortRace } from './port-race.js';
import { pickFreePorts } from './ports.js';
import { ControlPlaneProcess, waitFor } from './process.js';
import { ProcessGroup } from './process-group.js';

export interface RealKubeApiserverOptions extends ResolveKubeBinariesOptions {
  /**
   * Also run kube-controller-manager with only the namespace and garbage-collector controllers, so that
   * namespace deletion and ownerReference cascading behave as on a real cluster. Default false.
   */
  readonly controllerManager?: boolean;
  /**
   * kube-controller-manager's controllers when `controllerManager` is set. Default namespace and garbage
   * collector; add `deployment-controller,replicaset-controller` for Deployment status without kubelets.
   */
  readonly controllers?: readonly string[];
  /** Deadline for the processes to become ready, after the binaries are found or built. Default 120 s (generous: CI machines are shared). */
  readonly startTimeoutMs?: number;
  /** Extra kube-apiserver flags (`--name=value`), appended after ours so they win. */
  readonly apiserverArgs?: readonly string[];
}

export interface RealKubeApiserver {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** Admin kubeconfig (bearer token in `system:masters`, CA data inlined). */
  readonly kubeconfig: string;
  readonly kubeconfigPath: string;
  readonly token: string;
  readonly caCertPem: string;
  readonly binaries: KubeBinaries;
  /** kill -9 of etcd (kube-apiserver keeps running, failing its requests); resolves once etcd is gone. */
  killEtcd(): Promise<void>;
  /** Starts etcd again on the same data directory and port; resolves once it is healthy. */
  restartEtcd(): Promise<void>;
  /** Stops every process (SIGTERM, then SIGKILL) and removes every file. Safe to call twice. */
  stop(): Promise<void>;
}

const ADMIN_USER = 'kcp-tmc-admin';
const CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';

/**
 * Starts etcd and a real kube-apiserver (and optionally kube-controller-manager) on free loopback ports,
 * with every file in a fresh directory under os.tmpdir(). Several may run at once (upstream + downstream).
 * Throws RealApiserverUnavailableError when Go (to build the binaries) or openssl is missing.
 */
export async function startRealKubeApiserver(
  options: RealKubeApiserverOptions = {},
): Promise<RealKubeApiserver> {
  const binaries = await resolveKubeBinaries(options);
  return retryLostPortRace(() => startOnce(binaries, options));
}

async function startOnce(
  binaries: KubeBinaries,
  options: RealKubeApiserverOptions,
): Promise<RealKubeApiserver> {
  const dir = await mkdtemp(join(tmpdir(), 'kcp-tmc-kube-'));
  const group = new ProcessGroup(dir);
  const stop = () => group.stop();

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    const [pki, [etcdClientPort, etcdPeerPort, apiserverPort]] = await Promise.all([
      writeControlPlanePki(dir),
      pickFreePorts(3) as Promise<[number, number, number]>,
    ]);
    const url = `https://127.0.0.1:${apiserverPort}`;
    const { token, kubeconfig, kubeconfigPath } = await writeCredentials(dir, url, pki.caCertPem);

    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const etcdLog = join(dir, 'etcd.log');
    const etcdArgv = etcdArgs(dir, etcdClientPort, etcdPeerPort);
    const etcd = new EtcdMember(
      () => ControlPlaneProcess.start('etcd', binaries.etcd, etcdArgv, etcdLog),
      group,
    );
    const etcdReady = (until: number) => waitUntilReady(etcd.process, `${etcdUrl}/health`, {}, until);
    await etcdReady(deadline);
    const restartEtcd = async () => {
      await etcd.restart();
      await etcdReady(Date.now() + 60_000);
    };

    const apiserver = group.add(
      ControlPlaneProcess.start(
        'kube-apiserver',
        binaries.kubeApiserver,
        [...apiserverArgs(dir, pki, etcdUrl, apiserverPort), ...(options.apiserverArgs ?? [])],
        join(dir, 'kube-apiserver.log'),
      ),
    );
    await waitUntilReady(apiserver, `${url}/readyz`, { ca: pki.caCertPem, token }, deadline, [etcd.process]);

    if (options.controllerManager) {
      const controllerManager = group.add(
        ControlPlaneProcess.start(
          'kube-controller-manager',
          binaries.kubeControllerManager,
          controllerManagerArgs(dir, options.controllers ?? DEFAULT_CONTROLLERS),
          join(dir, 'kube-controller-manager.log'),
        ),
      );
      // Controllers start right after the leader lease is taken, so the lease shows it is up and connected.
      await waitUntilReady(
        controllerManager,
        `${url}/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager`,
        { ca: pki.caCertPem, token },
        deadline,
        [etcd.process, apiserver],
      );
    }

    const killEtcd = () => etcd.kill();
    return {
      url,
      kubeconfig,
      kubeconfigPath,
      token,
      caCertPem: pki.caCertPem,
      binaries,
      killEtcd,
      restartEtcd,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The admin's and kube-controller-manager's bearer tokens: their kubeconfigs and kube-apiserver's token file. */
async function writeCredentials(
  dir: string,
  url: string,
  caCertPem: string,
): Promise<{ token: string; kubeconfig: string; kubeconfigPath: string }> {
  const token = randomBytes(24).toString('hex');
  const controllerManagerToken = randomBytes(24).toString('hex');
  const kubeconfig = tokenKubeconfig(url, caCertPem, ADMIN_USER, token);
  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  await Promise.all([
    writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 }),
    writeFile(
      join(dir, 'controller-manager.kubeconfig'),
      tokenKubeconfig(url, caCertPem, CONTROLLER_MANAGER_USER, controllerManagerToken),
      { mode: 0o600 },
    ),
    // token,user,uid,"groups": both users are cluster admins, which keeps RBAC out of the way.
    writeFile(
      join(dir, 'tokens.csv'),
      `${token},${ADMIN_USER},${ADMIN_USER},"system:masters"\n` +
        `${controllerManagerToken},${CONTROLLER_MANAGER_USER},${CONTROLLER_MANAGER_USER},"system:masters"\n`,
      { mode: 0o600 },
    ),
  ]);
  return { token, kubeconfig, kubeconfigPath };
}

/** Polls `url` until it answers 200, failing early (with logs) when `target` or one it needs exits. */
async function waitUntilReady(
  target: ControlPlaneProcess,
  url: string,
  auth: { readonly ca?: string; readonly token?: string },
  deadline: number,
  needs: readonly ControlPlaneProcess[] = [],
): Promise<void> {
  let last = 'no answer';
  const dead = () => [target, ...needs].find((p) => p.exitDescription !== undefined);
  const ready = await waitFor(
    async () => {
      if (dead()) {
        return false;
      }
      const answer = await getOnce(url, auth);
      if (answer) {
        last = `HTTP ${answer.status}: ${answer.body.slice(0, 2_000)}`;
      }
      return answer?.status === 200 ? true : undefined;
    },
    deadline,
    100,
  );
  if (ready === true) {
    return;
  }
  const exited = dead();
  if (exited) {
    throw new RealApiserverStartError(`${exited.name} ${exited.exitDescription}`, exited.logTail());
  }
  throw new RealApiserverStartError(
    `${target.name} not ready at ${url} before the deadline (last: ${last})`,
    target.logTail(),
  );
}

function etcdArgs(dir: string, clientPort: number, peerPort: number): string[] {
  const dataDir = join(dir, 'etcd');
  // Exists already when etcd restarts on its data.
  mkdirSync(dataDir, { mode: 0o700, recursive: true });
  const peer = `http://127.0.0.1:${peerPort}`;
  const client = `http://127.0.0.1:${clientPort}`;
  return [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // Throwaway data: skipping fsync makes every write (and so every test) much faster.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

function apiserverArgs(dir: string, pki: ControlPlanePki, etcdUrl: string, port: number): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.servingCertPath}`,
    `--tls-private-key-file=${pki.servingKeyPath}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
    `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
    // No controller creates the `default` ServiceAccount, which this plugin would require for every pod.
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

const DEFAULT_CONTROLLERS = ['namespace-controller', 'garbage-collector-controller'];

function controllerManagerArgs(dir: string, controllers: readonly string[]): string[] {
  const kubeconfig = join(dir, 'controller-manager.kubeconfig');
  return [
    `--kubeconfig=${kubeconfig}`,
    `--controllers=${controllers.join(',')}`,
    // No serving port: two control planes must not fight over 10257, and nothing here scrapes it.
    '--secure-port=0',
    '--leader-elect=true',
    '--profiling=false',
  ];
}
