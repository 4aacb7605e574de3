import {
  FeatureGateError,
  type GVR,
  parseFeatureGates,
  UPSTREAM_MODES,
  type UpstreamMode,
} from '@kcp-tmc/interfaces';
import { parseCommandLine } from './command-line.js';
import { ConfigError } from './errors.js';
import { AGENT_FLAGS } from './flags.js';
import { kcpFeatureGates } from './kcp-feature-gates.js';
import type { AgentOptions, LeaderElectionOptions } from './options.js';
import { SettingReader } from './settings.js';
import { type LoadSources, mergeSources } from './sources.js';
import { tunnelOptions } from './tunnel-flags.js';
import {
  bindAddress,
  clusterPath,
  defined,
  duration,
  finiteNumber,
  goBoolean,
  nonEmpty,
  nonNegativeInteger,
  objectName,
  oneOf,
  type Parsed,
  positiveInteger,
  type ResourceFlag,
  resource,
  verbosity,
} from './values.js';

/** The agent's options from `argv` (without the command), the environment and the `--config` file. */
export function loadAgentOptions(
  argv: readonly string[],
  sources: LoadSources = {},
): AgentOptions & { help: boolean; version?: boolean } {
  const commandLine = parseCommandLine(argv, AGENT_FLAGS);
  if (commandLine.positionals.length > 0) {
    throw new ConfigError(
      commandLine.positionals[0] as string,
      'unexpected argument (flags only, see --help)',
    );
  }
  if (commandLine.help) return { help: true } as AgentOptions & { help: boolean };
  if (commandLine.values.version === true) {
    return { help: false, version: true } as AgentOptions & { help: boolean; version: boolean };
  }
  // kcp's generated Deployment sets NAMESPACE from the pod's own namespace (fieldRef metadata.namespace).
  const namespace = sources.env?.NAMESPACE;
  return {
    ...agentOptionsFrom(new SettingReader(mergeSources(commandLine, AGENT_FLAGS, sources))),
    ...(namespace === undefined || namespace === '' ? {} : { syncerNamespace: namespace }),
    ...(commandLine.values.profiling === true ? { profiling: true } : {}),
    help: false,
  };
}

/** Validates merged agent settings. */
export function agentOptionsFrom(settings: SettingReader): AgentOptions {
  const upstreamMode = settings.required<UpstreamMode>('upstream-mode', oneOf(UPSTREAM_MODES));
  const fromCluster = settings.optional('from-cluster', clusterPath);
  if (upstreamMode !== 'plain' && fromCluster === undefined) {
    throw new ConfigError(
      '--from-cluster',
      `is required in ${upstreamMode} mode (the SyncTarget's logical cluster)`,
    );
  }
  // pflag's feature-gates value adds up over repeated flags.
  const featureGatesRaw = settings.list('feature-gates', (text) => ({ ok: true, value: text })).join(',');
  let featureGates = parseFeatureGates('');
  try {
    featureGates = kcpFeatureGates(featureGatesRaw, parseFeatureGates);
  } catch (err) {
    if (!(err instanceof FeatureGateError)) throw err;
    throw new ConfigError('--feature-gates', err.message, settings.sourceOf('feature-gates'));
  }
  // klog settings with no effect here are still checked, so a typo fails as it does in kcp's syncer.
  settings.optional('log-flush-frequency', duration);
  settings.optional('vmodule', vmodule);
  const resourceFlags: ResourceFlag[] = settings.list('resources', resource);
  const resources: GVR[] = resourceFlags.flatMap((r) => (r.gvr === undefined ? [] : [r.gvr]));
  const optionalString = (name: string) => settings.optional(name, nonEmpty);
  const config = settings.optional('config', nonEmpty);
  const options: AgentOptions = {
    syncTargetName: settings.required(
      'sync-target-name',
      objectName,
      'is required (the SyncTarget to serve)',
    ),
    upstreamMode,
    resourcesToImport: [...new Set(resourceFlags.map((r) => r.name))],
    resources,
    apiImportPollIntervalMs: positive(settings, 'api-import-poll-interval'),
    qps: settings.required('qps', finiteNumber),
    burst: settings.required('burst', nonNegativeInteger),
    downstreamNamespaceCleanDelayMs: nonNegative(settings, 'downstream-namespace-clean-delay'),
    removalGraceMs: nonNegative(settings, 'removal-grace'),
    onSyncTargetDeleted: settings.required('on-sync-target-deleted', oneOf(['exit', 'wait'] as const)),
    featureGates,
    metricsBindAddress: settings.required('metrics-bind-address', bindAddress),
    healthProbeBindAddress: settings.required('health-probe-bind-address', bindAddress),
    workers: settings.required('workers', positiveInteger),
    heartbeatPeriodMs: positive(settings, 'heartbeat-period'),
    shutdownTimeoutMs: nonNegative(settings, 'shutdown-timeout'),
    verbosity: settings.required('v', verbosity),
    ...defined('leaderElection', leaderElection(settings)),
    ...tunnelOptions(settings, upstreamMode),
    ...defined('loggingFormat', settings.optional('logging-format', oneOf(['text', 'json'] as const))),
    ...defined('dnsImage', optionalString('dns-image')),
    ...defined('fromKubeconfig', optionalString('from-kubeconfig')),
    ...defined('fromContext', optionalString('from-context')),
    ...defined('fromCluster', fromCluster),
    ...defined('toKubeconfig', optionalString('to-kubeconfig')),
    ...defined('toContext', optionalString('to-context')),
    ...defined('syncTargetUid', optionalString('sync-target-uid')),
    ...defined('config', config),
  };
  return options;
}

/** The election's settings when `--leader-elect` is on; client-go's ordering of the periods is checked here. */
function leaderElection(settings: SettingReader): LeaderElectionOptions | undefined {
  if (settings.optional('leader-elect', goBoolean) !== true) return undefined;
  const leaseDurationMs = positive(settings, 'leader-elect-lease-duration');
  const renewDeadlineMs = positive(settings, 'leader-elect-renew-deadline');
  const retryPeriodMs = positive(settings, 'leader-elect-retry-period');
  if (!(leaseDurationMs > renewDeadlineMs))
    throw new ConfigError(
      '--leader-elect-renew-deadline',
      'must be shorter than --leader-elect-lease-duration',
    );
  if (!(renewDeadlineMs > retryPeriodMs))
    throw new ConfigError(
      '--leader-elect-retry-period',
      'must be shorter than --leader-elect-renew-deadline',
    );
  return {
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    ...defined('namespace', settings.optional('leader-elect-resource-namespace', objectName)),
    ...defined('name', settings.optional('leader-elect-resource-name', objectName)),
  };
}

/** klog's `pattern=N,...`. */
function vmodule(text: string): Parsed<string> {
  const ok = text.split(',').every((part) => part === '' || /^[^=]+=\d+$/.test(part));
  return ok ? { ok: true, value: text } : { ok: false, reason: `expected pattern=N,..., got "${text}"` };
}

function nonNegative(settings: SettingReader, name: string): number {
  const ms = settings.required(name, duration);
  if (ms < 0) throw new ConfigError(`--${name}`, 'must not be negative', settings.sourceOf(name));
  return ms;
}

function positive(settings: SettingReader, name: string): number {
  const ms = settings.required(name, duration);
  if (ms <= 0) throw new ConfigError(`--${name}`, 'must be longer than 0', settings.sourceOf(name));
  return ms;
}
