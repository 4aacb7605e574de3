import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  FeatureGateError,
  type GVR,
  parseFeatureGates,
  UPSTREAM_MODES,
  type UpstreamMode,
} from '@kcp-tmc/interfaces';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type OptionSource } from './errors.js';
import { AGENT_FLAGS, envVariable, type FlagSpec, HELP_FLAG, parseArgsOptions } from './flags.js';
import { kcpFeatureGates } from './kcp-feature-gates.js';
import { isGoBoolean } from './logging-flags.js';
import { type AgentOptions, type LeaderElectionOptions } from './options.js';
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

/** A raw setting before validation, with where it came from. */
interface RawValue {
  readonly values: readonly string[];
  readonly source: OptionSource;
}

export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  readonly help: boolean;
}

/**
 * parseArgs over `flags` (plus `--help`), strict: an unknown flag or a missing value is a ConfigError naming
 * it. Reads argv as pflag does for kcp's syncer: `-v=4` beside `-v 4` and `--v=4`, `_` as `-` in flag names,
 * `--bool=false`.
 */
export function parseCommandLine(argv: readonly string[], flags: readonly FlagSpec[]): ParsedCommandLine {
  const args = pflagStyle(argv, [...flags, HELP_FLAG]);
  try {
    const { values, positionals } = parseArgs({
      args,
      options: parseArgsOptions([...flags, HELP_FLAG]),
      allowPositionals: true,
      strict: true,
    });
    return {
      values: values as ParsedCommandLine['values'],
      positionals,
      help: values.help === true,
    };
  } catch (err) {
    throw commandLineError(err);
  }
}

/** Rewrites pflag spellings into ones parseArgs reads; stops at `--`. */
function pflagStyle(argv: readonly string[], flags: readonly FlagSpec[]): string[] {
  const byShort = new Map(flags.filter((f) => f.short !== undefined).map((f) => [f.short, f]));
  const byName = new Map(flags.map((f) => [f.name, f]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const short = /^-([a-zA-Z])=(.*)$/s.exec(arg);
    const long = byShort.get(short?.[1])?.name;
    if (short !== null && long !== undefined) arg = `--${long}=${short[2]}`;
    const match = /^--([^=]+)(=.*)?$/s.exec(arg);
    if (match === null) {
      out.push(arg);
      continue;
    }
    const name = (match[1] as string).replaceAll('_', '-');
    const value = match[2];
    if (byName.get(name)?.type === 'boolean' && value !== undefined) {
      const text = value.slice(1);
      if (!isGoBoolean(text)) throw new ConfigError(`--${name}`, `expected true or false, got "${text}"`);
      if (/^(1|t|true)$/i.test(text)) out.push(`--${name}`);
      continue;
    }
    out.push(`--${name}${value ?? ''}`);
  }
  return out;
}

function commandLineError(err: unknown): ConfigError {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'flags';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new ConfigError(flag, 'unknown flag (see --help)');
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new ConfigError(flag.replace(/^(-\w), (--.*)$/, '$2'), 'expects a value');
  }
  return new ConfigError(flag, message);
}

export interface LoadSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads the `--config` file (tests pass their own). */
  readonly readFile?: (path: string) => string;
}

/** Reads a YAML config file whose keys are flag names; values may be scalars or (resources) lists. */
export function readConfigFile(
  path: string,
  flags: readonly FlagSpec[],
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Map<string, RawValue> {
  const source: OptionSource = { kind: 'file', path };
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError('--config', `cannot read "${path}": ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      '--config',
      `"${path}" is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const out = new Map<string, RawValue>();
  if (document === null || document === undefined) return out;
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError('--config', `"${path}" must be a mapping of flag names to values`);
  }
  const known = new Map(flags.filter((f) => f.flagOnly !== true).map((f) => [f.name, f]));
  for (const [key, value] of Object.entries(document)) {
    const flag = known.get(key);
    if (flag === undefined) {
      throw new ConfigError(key, `unknown setting (known: ${[...known.keys()].join(', ')})`, source);
    }
    const field = `--${key}`;
    if (Array.isArray(value)) {
      if (flag.multiple !== true) throw new ConfigError(field, 'expected a single value, got a list', source);
      out.set(key, { values: value.map((v) => scalarText(field, v, source)), source });
    } else if (key === 'feature-gates' && typeof value === 'object' && value !== null) {
      // `feature-gates: { Tunnel: true }` reads better in YAML than the flag's comma list.
      const parts = Object.entries(value).map(([name, on]) => `${name}=${scalarText(field, on, source)}`);
      out.set(key, { values: [parts.join(',')], source });
    } else {
      out.set(key, { values: [scalarText(field, value, source)], source });
    }
  }
  return out;
}

function scalarText(field: string, value: unknown, source: OptionSource): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new ConfigError(
    field,
    `expected a string or number, got ${value === null ? 'null' : typeof value}`,
    source,
  );
}

/**
 * Merges flags > environment (`KCP_TMC_<FLAG>`) > config file > defaults for `flags`, returning the raw text of
 * each set value. Flag values and environment values of repeatable flags may be comma-separated.
 */
export function mergeSources(
  commandLine: ParsedCommandLine,
  flags: readonly FlagSpec[],
  sources: LoadSources = {},
): Map<string, RawValue> {
  const env = sources.env ?? {};
  const configPath = commandLine.values.config ?? env[envVariable('config')];
  const file =
    typeof configPath === 'string' && configPath !== ''
      ? readConfigFile(configPath, flags, sources.readFile)
      : new Map<string, RawValue>();
  const merged = new Map<string, RawValue>();
  for (const flag of flags) {
    const fromFlag = commandLine.values[flag.name];
    const variable = envVariable(flag.name);
    const fromEnv = flag.flagOnly === true ? undefined : env[variable];
    const split = (items: readonly string[]) =>
      flag.multiple === true ? items.flatMap((v) => v.split(',')).filter((v) => v.trim() !== '') : items;
    if (fromFlag !== undefined) {
      const values = typeof fromFlag === 'boolean' ? [String(fromFlag)] : fromFlag;
      merged.set(flag.name, {
        values: split(Array.isArray(values) ? values : [values]),
        source: { kind: 'flag' },
      });
    } else if (fromEnv !== undefined && fromEnv !== '') {
      merged.set(flag.name, { values: split([fromEnv]), source: { kind: 'env', variable } });
    } else if (file.has(flag.name)) {
      const raw = file.get(flag.name) as RawValue;
      merged.set(flag.name, { values: split(raw.values), source: raw.source });
    } else if (flag.default !== undefined) {
      merged.set(flag.name, { values: [flag.default], source: { kind: 'default' } });
    }
  }
  return merged;
}

/** Validated access to merged settings: each getter throws a ConfigError naming the flag. */
export class SettingReader {
  constructor(private readonly merged: Map<string, RawValue>) {}

  has(name: string): boolean {
    return this.merged.has(name);
  }

  optional<T>(name: string, parse: (text: string) => Parsed<T>): T | undefined {
    const raw = this.merged.get(name);
    if (raw === undefined) return undefined;
    const text = raw.values[raw.values.length - 1] as string;
    const parsed = parse(text);
    if (!parsed.ok) throw new ConfigError(`--${name}`, parsed.reason, raw.source);
    return parsed.value;
  }

  required<T>(name: string, parse: (text: string) => Parsed<T>, why = 'is required'): T {
    const value = this.optional(name, parse);
    if (value === undefined) throw new ConfigError(`--${name}`, why);
    return value;
  }

  list<T>(name: string, parse: (text: string) => Parsed<T>): T[] {
    const raw = this.merged.get(name);
    if (raw === undefined) return [];
    return raw.values.map((text) => {
      const parsed = parse(text);
      if (!parsed.ok) throw new ConfigError(`--${name}`, parsed.reason, raw.source);
      return parsed.value;
    });
  }

  sourceOf(name: string): OptionSource | undefined {
    return this.merged.get(name)?.source;
  }
}

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
