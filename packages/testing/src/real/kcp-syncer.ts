import { join } from 'node:path';
import type { RealKcp } from './kcp.js';
import type { GeneratedSyncer } from './kcp-workload.js';
import { agentCliPath } from './kcp-workload.js';
import { ControlPlaneProcess } from './process.js';

/** Which syncer runs: kcp's Go syncer (the reference) or our agent. */
export type SyncerKind = 'go' | 'agent';

export interface SyncerProcessOptions {
  /** Arguments appended after the generated ones (e.g. `--downstream-namespace-clean-delay=5s`). */
  readonly args?: readonly string[];
  /** Log file name in kcp's directory; default `syncer-<kind>-<n>.log`. */
  readonly logName?: string;
}

export interface SyncerProcess {
  readonly kind: SyncerKind;
  readonly pid: number | undefined;
  readonly logPath: string;
  logTail(lines?: number): string;
  /** How the process ended, or undefined while it runs. */
  readonly exitDescription: string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** A signal without grace (SIGKILL for a crash). */
  kill(signal: NodeJS.Signals): Promise<void>;
}

let started = 0;

/**
 * Starts a syncer as the Deployment `kubectl kcp workload sync` generated would: the SAME arguments, the generated
 * upstream kubeconfig, `NAMESPACE` = the syncer namespace, and the downstream admin kubeconfig as
 * `--to-kubeconfig` (in a pod that is the in-cluster ServiceAccount). `go` runs kcp's binary, `agent` ours.
 */
export function startSyncer(
  kind: SyncerKind,
  kcp: RealKcp,
  generated: GeneratedSyncer,
  downstreamKubeconfigPath: string,
  options: SyncerProcessOptions = {},
): SyncerProcess {
  const args = [
    `--from-kubeconfig=${generated.upstreamKubeconfigPath}`,
    `--to-kubeconfig=${downstreamKubeconfigPath}`,
    ...generated.args,
    ...(options.args ?? []),
  ];
  // Our agent also serves metrics and probes (kcp's syncer serves neither); on free ports, so suites running at
  // once on one machine never fight over the defaults 8080 and 8081.
  const ports = ['--metrics-bind-address=127.0.0.1:0', '--health-probe-bind-address=127.0.0.1:0'];
  const [command, commandArgs] =
    kind === 'go'
      ? [kcp.binaries.syncer, args]
      : [process.execPath, [agentCliPath(), 'run', ...args, ...ports]];
  const logPath = join(kcp.dir, options.logName ?? `syncer-${kind}-${++started}.log`);
  const child = ControlPlaneProcess.start(`${kind} syncer`, command, commandArgs, logPath, {
    ...process.env,
    NAMESPACE: generated.syncerNamespace,
  });
  return {
    kind,
    get pid() {
      return child.pid;
    },
    logPath,
    logTail: (lines) => child.logTail(lines),
    get exitDescription() {
      return child.exitDescription;
    },
    stop: (graceMs) => child.stop(graceMs),
    kill: (signal) => child.kill(signal),
  };
}
