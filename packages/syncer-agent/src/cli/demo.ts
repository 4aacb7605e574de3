import { type FlagSpec, formatFlags } from '../config/flags.js';
import { duration, verbosity } from '../config/values.js';
import { StreamLogger, warningsOnly } from '../logging/logger.js';
import { flagCommand, flagValue } from './flag-command.js';
import type { Command } from './io.js';

const FLAGS: readonly FlagSpec[] = [
  {
    name: 'keep-running',
    type: 'boolean',
    flagOnly: true,
    description: 'Stay up after converging and print the kubeconfigs (Ctrl-C stops).',
  },
  {
    name: 'timeout',
    type: 'string',
    placeholder: 'duration',
    default: '90s',
    flagOnly: true,
    description: 'Fail if the demo has not converged by then.',
  },
  {
    name: 'v',
    type: 'string',
    short: 'v',
    placeholder: 'level',
    default: '0',
    flagOnly: true,
    description: 'Agent log verbosity (0 shows warnings and errors only).',
  },
];

const HELP = `Usage: syncer-agent demo [--keep-running] [--timeout <duration>] [-v <level>]

Zero clusters needed: starts a kcp-mode API simulator (upstream) and a downstream simulator whose fake
controllers run Deployments as ready Pods, creates a SyncTarget and a small app (Deployment, Service,
ConfigMap, Secret) in two workspaces, runs the agent in-process and shows the initial sync, then a summary:
objects synced, ready replicas seen upstream, events synced, heartbeat age. Exits 0 once converged.

Flags:
${formatFlags(FLAGS)}
`;

export const demoCommand: Command = flagCommand({
  name: 'demo',
  summary: 'Run the agent against simulators, no clusters needed.',
  flags: FLAGS,
  help: HELP,
  async run({ values }, io) {
    const timeoutMs = flagValue(values, 'timeout', duration, '90s');
    const level = flagValue(values, 'v', verbosity, '0');
    // At -v 0 the demo's own progress is the output: the agent's info lines stay quiet.
    const base = new StreamLogger({ stream: io.stderr, verbosity: level });
    const logger = level > 0 ? base : warningsOnly(base);
    // Loaded only now: the demo pulls in the simulator (@kcp-tmc/testing), which `run` and the library never need.
    const { runDemo } = await import('../demo/run-demo.js');
    const demo = await runDemo({ out: io.stdout, logger, timeoutMs });
    if (values['keep-running'] !== true) {
      await demo.stop();
      return 0;
    }
    io.stdout.write(
      `\nKeeping it running. Look with any client:\n  upstream (kcp):  KUBECONFIG=${demo.world.upstream.kubeconfigPath} kubectl --context base get --raw /clusters/root:demo:team-a/apis/apps/v1/namespaces/shop/deployments\n  downstream:      KUBECONFIG=${demo.world.downstream.kubeconfigPath} kubectl get deployments,pods -A\n  metrics:         ${demo.agent.endpoints.metrics}/metrics\nCtrl-C stops.\n`,
    );
    await new Promise<void>((resolve) => {
      const unsubscribe = io.onSignal(() => {
        unsubscribe();
        resolve();
      });
    });
    await demo.stop();
    return 0;
  },
});
