import { DEFAULT_FEATURE_GATES, FEATURE_GATE_NAMES, formatFeatureGates } from '@kcp-tmc/interfaces';
import { KLOG_FLAGS, LOGGING_FLAGS, NO_OP_BOOLEAN_FLAGS } from './logging-flags.js';
import { UPSTREAM_MODES } from './options.js';
import { TUNNEL_FLAGS } from './tunnel-flags.js';

export type FlagType = 'string' | 'boolean';

/** One command-line flag: its name, how parseArgs reads it, and its help text. */
export interface FlagSpec {
  readonly name: string;
  readonly type: FlagType;
  readonly multiple?: boolean;
  readonly short?: string;
  readonly placeholder?: string;
  readonly default?: string;
  readonly description: string;
  /** The values it accepts, when they are a fixed set (shell completion offers them). */
  readonly choices?: readonly string[];
  /** Not read from the environment or the config file (e.g. `--config` itself). */
  readonly flagOnly?: boolean;
  /** Accepted but not listed in `--help` (kcp's deprecated klog flags). */
  readonly hidden?: boolean;
}

/** The agent's flags, named as the kcp syncer's where kcp has one (ARCHITECTURE.md, kcp compatibility). */
export const AGENT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'from-kubeconfig',
    type: 'string',
    placeholder: 'path',
    description: 'Kubeconfig of the upstream (kcp).',
  },
  { name: 'from-context', type: 'string', placeholder: 'name', description: 'Context in --from-kubeconfig.' },
  {
    name: 'from-cluster',
    type: 'string',
    placeholder: 'path',
    description:
      "The SyncTarget's logical cluster: a path (root:org) or a logical cluster name, as kcp generates. Required in kcp modes.",
  },
  {
    name: 'to-kubeconfig',
    type: 'string',
    placeholder: 'path',
    description: 'Kubeconfig of the downstream cluster (default: in-cluster, then ~/.kube/config).',
  },
  { name: 'to-context', type: 'string', placeholder: 'name', description: 'Context in --to-kubeconfig.' },
  {
    name: 'sync-target-name',
    type: 'string',
    placeholder: 'name',
    description: 'The SyncTarget this agent serves. Required.',
  },
  {
    name: 'sync-target-uid',
    type: 'string',
    placeholder: 'uid',
    description: 'Its uid (default: read from the SyncTarget at start).',
  },
  {
    name: 'upstream-mode',
    type: 'string',
    placeholder: 'mode',
    default: 'virtual-workspace',
    choices: UPSTREAM_MODES,
    description: `How the upstream is reached: ${UPSTREAM_MODES.join(', ')}.`,
  },
  {
    name: 'resources',
    type: 'string',
    multiple: true,
    placeholder: 'resource',
    short: 'r',
    description:
      'Resource to import from the downstream into kcp (deployments.apps, services), as kcp syncer; repeatable, or comma-separated.',
  },
  {
    name: 'api-import-poll-interval',
    type: 'string',
    placeholder: 'duration',
    default: '1m0s',
    description: "How often the downstream's API schemas are polled for import.",
  },
  {
    name: 'dns-image',
    type: 'string',
    placeholder: 'image',
    description: 'Image of the per-workspace DNS server the agent deploys downstream.',
  },
  {
    name: 'qps',
    type: 'string',
    placeholder: 'n',
    default: '30',
    description: 'Requests per second to each API server; negative: no client-side limit (client-go).',
  },
  {
    name: 'burst',
    type: 'string',
    placeholder: 'n',
    default: '20',
    description: 'Burst of requests to each API server.',
  },
  {
    name: 'removal-grace',
    type: 'string',
    placeholder: 'duration',
    default: '0s',
    description:
      "Wait this long before deleting a downstream object whose upstream object left the SyncTarget (unscheduled or deleted); 0s acts at once, as kcp's syncer does.",
  },
  {
    name: 'on-sync-target-deleted',
    type: 'string',
    placeholder: 'exit|wait',
    default: 'exit',
    description:
      'When the SyncTarget is deleted: exit 1, or stop every writer and wait for a SyncTarget of that name, then start again.',
  },
  {
    name: 'downstream-namespace-clean-delay',
    type: 'string',
    placeholder: 'duration',
    default: '30s',
    description: 'Empty downstream namespaces are deleted after this delay.',
  },
  {
    name: 'feature-gates',
    type: 'string',
    multiple: true,
    placeholder: 'A=true,B=false',
    default: formatFeatureGates(DEFAULT_FEATURE_GATES),
    description: `Feature gates (${FEATURE_GATE_NAMES.join(', ')}; kcp's names too: KCPSyncerTunnel is Tunnel).`,
  },
  {
    name: 'metrics-bind-address',
    type: 'string',
    placeholder: 'host:port',
    default: '127.0.0.1:8080',
    description: 'Where /metrics listens; 0 turns it off.',
  },
  {
    name: 'health-probe-bind-address',
    type: 'string',
    placeholder: 'host:port',
    default: '127.0.0.1:8081',
    description: 'Where /healthz, /readyz and /livez listen; 0 turns them off.',
  },
  {
    name: 'profiling',
    type: 'boolean',
    flagOnly: true,
    description:
      'Serve CPU and heap profiles on the health probe address: /debug/pprof/profile?seconds=N, /debug/pprof/heap.',
  },
  {
    name: 'workers',
    type: 'string',
    placeholder: 'n',
    default: '4',
    description: 'Workers processing the sync queue.',
  },
  {
    name: 'heartbeat-period',
    type: 'string',
    placeholder: 'duration',
    default: '20s',
    description: 'How often the SyncTarget heartbeat is sent.',
  },
  {
    name: 'shutdown-timeout',
    type: 'string',
    placeholder: 'duration',
    default: '15s',
    description:
      'On SIGTERM/SIGINT the agent exits within this time: in-flight work finishes, queued work is left for the next start; a second signal forces exit.',
  },
  ...TUNNEL_FLAGS,
  {
    name: 'leader-elect',
    type: 'boolean',
    description:
      'Elect a leader among replicas on a Lease downstream; only the leader writes, standbys keep warm caches.',
  },
  {
    name: 'leader-elect-lease-duration',
    type: 'string',
    placeholder: 'duration',
    default: '15s',
    description: 'How long standbys wait after the last renewal they saw before taking over.',
  },
  {
    name: 'leader-elect-renew-deadline',
    type: 'string',
    placeholder: 'duration',
    default: '10s',
    description: 'How long the leader tries to renew before it stops writing and exits.',
  },
  {
    name: 'leader-elect-retry-period',
    type: 'string',
    placeholder: 'duration',
    default: '2s',
    description: 'Between attempts to acquire or renew the lease.',
  },
  {
    name: 'leader-elect-resource-namespace',
    type: 'string',
    placeholder: 'namespace',
    description: "The Lease's namespace (default: the agent's own, from NAMESPACE).",
  },
  {
    name: 'leader-elect-resource-name',
    type: 'string',
    placeholder: 'name',
    description: "The Lease's name (default: kcp-tmc-<SyncTarget name>-<SyncTarget key>).",
  },
  {
    name: 'config',
    type: 'string',
    placeholder: 'path',
    flagOnly: true,
    description: 'YAML file with any of these flags as keys.',
  },
  {
    name: 'v',
    type: 'string',
    short: 'v',
    placeholder: 'level',
    default: '2',
    description: 'Log verbosity (klog levels: 2 info, 4 debug, 6 trace); 2 as in kcp syncer.',
  },
  ...LOGGING_FLAGS,
  ...KLOG_FLAGS,
  ...NO_OP_BOOLEAN_FLAGS.map(
    (name): FlagSpec => ({
      name,
      type: 'boolean',
      flagOnly: true,
      hidden: true,
      description: 'klog flag, accepted for kcp compatibility (no effect).',
    }),
  ),
  {
    name: 'version',
    type: 'boolean',
    flagOnly: true,
    description: 'Print the version and exit.',
  },
];

export const HELP_FLAG: FlagSpec = {
  name: 'help',
  type: 'boolean',
  short: 'h',
  flagOnly: true,
  description: 'Show this help.',
};

/** `KCP_TMC_<FLAG>`: `--from-kubeconfig` is read from KCP_TMC_FROM_KUBECONFIG. */
export function envVariable(flag: string): string {
  return `KCP_TMC_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/** parseArgs' options object for a set of flags. */
export function parseArgsOptions(flags: readonly FlagSpec[]) {
  return Object.fromEntries(
    flags.map((f) => [
      f.name,
      {
        type: f.type,
        ...(f.multiple === true ? { multiple: true } : {}),
        ...(f.short === undefined ? {} : { short: f.short }),
      },
    ]),
  ) as Record<string, { type: FlagType; multiple?: boolean; short?: string }>;
}

/** The flags section of a command's `--help`. */
export function formatFlags(flags: readonly FlagSpec[]): string {
  const rows = flags
    .filter((f) => f.hidden !== true)
    .map((f) => {
      const names = `${f.short === undefined ? '' : `-${f.short}, `}--${f.name}${f.type === 'string' ? ` <${f.placeholder ?? 'value'}>` : ''}`;
      const extra = f.default === undefined ? '' : ` (default ${f.default})`;
      const env = f.flagOnly === true ? '' : ` [${envVariable(f.name)}]`;
      return [names, `${f.description}${extra}${env}`] as const;
    });
  const width = Math.min(44, Math.max(...rows.map(([n]) => n.length)) + 2);
  return rows
    .map(([names, text]) =>
      names.length + 2 > width
        ? `  ${names}\n  ${' '.repeat(width)}${text}`
        : `  ${names.padEnd(width)}${text}`,
    )
    .join('\n');
}
