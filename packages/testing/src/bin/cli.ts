import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type FaultControlServer, startFaultControl } from '../faults/control.js';
import type { FaultOptions } from '../faults/faults.js';
import { parseFaultOptions } from '../faults/parse.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';

export const USAGE = `Usage: kube-sim [options]

Runs the Kubernetes API simulator until interrupted.

  --port <n>              port to listen on (default: ephemeral)
  --host <addr>           address to bind (default 127.0.0.1)
  --kcp                   kcp mode (logical clusters, wildcard, syncer virtual workspace)
  --cluster <name>        kcp: logical cluster to create at start (repeatable)
  --sync-target-heartbeat-threshold <ms>
                          kcp: heartbeat age after which a SyncTarget is not Ready (default 60000)
  --token <t>             bearer token clients must send
  --tls                   serve HTTPS with a generated CA (its data goes into the kubeconfig)
  --controllers           run the fake controllers (deployments, jobs, pods, namespaces, gc)
  --pod-ready-delay <ms>  delay before pods become Running/Ready (default 100)
  --kubeconfig-out <path> write the kubeconfig there
  --faults <file|json>    faults from the start: {"seed", "latency": ms | {"min","max"},
                          "rules": [{"verb","resource","status": 429|500|503,"rate","retryAfterSeconds"}]}
  --fault-control-port <n>
                          serve the fault control endpoint on 127.0.0.1:<n> (0: ephemeral): GET/PUT /faults,
                          POST|DELETE /faults/rules, PUT /faults/latency, POST /faults/partition?mode=refuse|hang,
                          /faults/heal, /faults/pause, /faults/resume, /faults/drop-watches, /faults/compact
  -h, --help              show this help
`;

export interface CliResult {
  sim: KubeSimulator;
  /** The fault control endpoint, when asked for. */
  control: FaultControlServer | undefined;
  /** Lines printed at start. */
  banner: string[];
}

/** Parses kube-sim's flags and starts the simulator (the bin waits for a signal, then stops it). */
export async function runKubeSim(argv: string[]): Promise<CliResult | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      kcp: { type: 'boolean', default: false },
      cluster: { type: 'string', multiple: true },
      'sync-target-heartbeat-threshold': { type: 'string' },
      token: { type: 'string' },
      tls: { type: 'boolean', default: false },
      controllers: { type: 'boolean', default: false },
      'pod-ready-delay': { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      faults: { type: 'string' },
      'fault-control-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    throw new Error(`invalid --port: ${values.port}`);
  const delay = values['pod-ready-delay'] === undefined ? undefined : Number(values['pod-ready-delay']);
  if (delay !== undefined && !(delay >= 0))
    throw new Error(`invalid --pod-ready-delay: ${values['pod-ready-delay']}`);
  const thresholdFlag = values['sync-target-heartbeat-threshold'];
  const threshold = thresholdFlag === undefined ? undefined : Number(thresholdFlag);
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold > 0))
    throw new Error(`invalid --sync-target-heartbeat-threshold: ${thresholdFlag}`);
  const controlFlag = values['fault-control-port'];
  const controlPort = controlFlag === undefined ? undefined : Number(controlFlag);
  if (
    controlPort !== undefined &&
    !(Number.isInteger(controlPort) && controlPort >= 0 && controlPort < 65536)
  )
    throw new Error(`invalid --fault-control-port: ${controlFlag}`);
  const faults = values.faults === undefined ? undefined : await readFaults(values.faults);
  const sim = await startKubeSimulator({
    ...(faults ? { faults } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values.token ? { token: values.token } : {}),
    ...(values.kcp
      ? {
          kcp: {
            clusters: values.cluster ?? [],
            ...(threshold !== undefined ? { heartbeatThresholdMs: threshold } : {}),
          },
        }
      : {}),
    ...(values.tls ? { tls: true } : {}),
    ...(values.controllers ? { controllers: delay !== undefined ? { podReadyDelayMs: delay } : true } : {}),
    ...(values['kubeconfig-out'] ? { kubeconfigPath: values['kubeconfig-out'] } : {}),
  });
  if (values['kubeconfig-out']) await writeFile(values['kubeconfig-out'], sim.kubeconfig, { mode: 0o600 });
  const control =
    controlPort === undefined ? undefined : await startFaultControl(sim.faults, { port: controlPort });
  const banner = [
    `kube-sim listening on ${sim.url}${values.kcp ? ' (kcp mode)' : ''}`,
    `kubeconfig: ${sim.kubeconfigPath}`,
    ...(control ? [`fault control: ${control.url}/faults`] : []),
  ];
  return { sim, control, banner };
}

/** `--faults` takes inline JSON (it starts with `{`) or a file holding it. */
async function readFaults(flag: string): Promise<FaultOptions> {
  const inline = flag.trimStart().startsWith('{');
  const text = inline
    ? flag
    : await readFile(flag, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`--faults: cannot read ${flag}: ${err.code ?? err.message}`);
      });
  try {
    return parseFaultOptions(text);
  } catch (err) {
    throw new Error(
      `--faults${inline ? '' : ` ${flag}`}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
