import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRealKubeApiserver } from '../../src/real/kube-apiserver.js';
import { startKubeSimulator } from '../../src/simulator.js';
import { type KubectlRun, runKubectl } from './kubectl.js';
import { EDITOR_SCRIPT, NS } from './manifests.js';
import { RealPodStarter } from './pod-starter.js';
import { type RawEndpoint, rawGet } from './raw-get.js';
import type { Step } from './steps.js';

/** One server the session runs against. */
export interface World {
  name: string;
  simulator: boolean;
  /** Runs one step; undefined when the world does not run it (see Step.simulatorOnly). */
  run(step: Step): Promise<KubectlRun | undefined>;
  stop(): Promise<void>;
}

async function scratch(kubeconfig: string): Promise<{ dir: string; kubeconfigPath: string; editor: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kcp-tmc-kubectl-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const editor = join(dir, 'editor.sh');
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  await writeFile(editor, EDITOR_SCRIPT);
  await chmod(editor, 0o755);
  return { dir, kubeconfigPath, editor };
}

function world(
  name: string,
  simulator: boolean,
  kubectl: string,
  endpoint: RawEndpoint,
  files: { dir: string; kubeconfigPath: string; editor: string },
  stopServer: () => Promise<void>,
): World {
  let stopped: Promise<void> | undefined;
  return {
    name,
    simulator,
    async run(step) {
      if (!simulator && step.simulatorOnly) return undefined;
      if (step.raw) return rawGet(endpoint, step.raw.path, step.raw.accept);
      const { args, stdin } = step;
      const options: Parameters<typeof runKubectl>[4] = { timeoutMs: step.timeoutMs ?? 90_000 };
      if (stdin !== undefined) options.stdin = stdin;
      if (step.stopWhen) options.stopWhen = step.stopWhen;
      if (step.editor) options.env = { EDITOR: files.editor, KUBE_EDITOR: files.editor };
      return runKubectl(kubectl, files.kubeconfigPath, join(files.dir, 'cache'), args, options);
    },
    stop() {
      stopped ??= (async () => {
        await stopServer();
        await rm(files.dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** kube-apiserver with the controllers Deployments need, and a stand-in kubelet marking pods Ready. */
export async function startRealWorld(kubectl: string): Promise<World> {
  const api = await startRealKubeApiserver({
    controllerManager: true,
    controllers: [
      'namespace-controller',
      'garbage-collector-controller',
      'deployment-controller',
      'replicaset-controller',
      // PVCs carry kubernetes.io/pvc-protection; without its controller a namespace holding one never goes.
      'persistentvolumeclaim-protection-controller',
    ],
  });
  const pods = new RealPodStarter(api, NS);
  const files = await scratch(api.kubeconfig);
  const endpoint = { base: api.url, ca: api.caCertPem, token: api.token };
  return world('real kube-apiserver', false, kubectl, endpoint, files, async () => {
    await pods.stop();
    await api.stop();
  });
}

const KCP_WORKSPACE = 'kubectl-session';

/** The simulator with its fake controllers; in kcp mode kubectl talks to one workspace's URL. */
export async function startSimulatorWorld(kubectl: string, kcp: boolean): Promise<World> {
  const sim = await startKubeSimulator({ controllers: true, ...(kcp ? { kcp: true } : {}) });
  const files = await scratch(kcp ? sim.kubeconfigFor(KCP_WORKSPACE) : sim.kubeconfig);
  const endpoint = { base: kcp ? `${sim.url}/clusters/${KCP_WORKSPACE}` : sim.url };
  const name = kcp ? 'simulator (kcp workspace)' : 'simulator';
  return world(name, true, kubectl, endpoint, files, () => sim.stop());
}
