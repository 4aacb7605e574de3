import { DEFAULT_FEATURE_GATES } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadAgentOptions } from './load.js';

const BASE = ['--sync-target-name', 'east', '--from-cluster', 'root:org'];

function load(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}) {
  return loadAgentOptions(argv, {
    env,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT: no such file');
      return text;
    },
  });
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAgentOptions', () => {
  it('applies defaults: loopback listeners, kcp syncer qps/burst, virtual-workspace mode', () => {
    const options = load(BASE);
    expect(options).toMatchObject({
      syncTargetName: 'east',
      fromCluster: 'root:org',
      upstreamMode: 'virtual-workspace',
      qps: 30,
      burst: 20,
      workers: 4,
      heartbeatPeriodMs: 20_000,
      shutdownTimeoutMs: 15_000,
      downstreamNamespaceCleanDelayMs: 30_000,
      metricsBindAddress: { host: '127.0.0.1', port: 8080 },
      healthProbeBindAddress: { host: '127.0.0.1', port: 8081 },
      // kcp syncer's defaults: -v=2 and a 1m API import poll (kcp: cmd/syncer/options/options.go).
      verbosity: 2,
      apiImportPollIntervalMs: 60_000,
      resources: [],
      resourcesToImport: [],
      featureGates: DEFAULT_FEATURE_GATES,
    });
  });

  it('reads every flag', () => {
    const options = load([
      ...BASE,
      '--from-kubeconfig=/up.yaml',
      '--from-context=root',
      '--to-kubeconfig',
      '/down.yaml',
      '--to-context=kind',
      '--sync-target-uid=u-1',
      '--upstream-mode=wildcard',
      '--resources=deployments.apps,services',
      '--resources',
      'batch/v1/jobs',
      '--qps=50.5',
      '--burst=100',
      '--downstream-namespace-clean-delay=1m30s',
      '--feature-gates=Tunnel=true',
      '--metrics-bind-address=:9090',
      '--health-probe-bind-address=0',
      '--workers=8',
      '--heartbeat-period=500ms',
      '--shutdown-timeout=0',
      '-v=4',
    ]);
    expect(options).toMatchObject({
      fromKubeconfig: '/up.yaml',
      fromContext: 'root',
      toKubeconfig: '/down.yaml',
      toContext: 'kind',
      syncTargetUid: 'u-1',
      upstreamMode: 'wildcard',
      resources: [
        { group: 'apps', version: 'v1', resource: 'deployments' },
        { group: '', version: 'v1', resource: 'services' },
        { group: 'batch', version: 'v1', resource: 'jobs' },
      ],
      qps: 50.5,
      burst: 100,
      downstreamNamespaceCleanDelayMs: 90_000,
      metricsBindAddress: { host: '127.0.0.1', port: 9090 },
      healthProbeBindAddress: null,
      workers: 8,
      heartbeatPeriodMs: 500,
      shutdownTimeoutMs: 0,
      verbosity: 4,
    });
    expect(options.featureGates.Tunnel).toBe(true);
  });

  it('reads the removal grace (default 0s, as kcp syncer acts at once) and what a deleted SyncTarget does', () => {
    expect(load(BASE)).toMatchObject({ removalGraceMs: 0, onSyncTargetDeleted: 'exit' });
    expect(load([...BASE, '--removal-grace=30s', '--on-sync-target-deleted=wait'])).toMatchObject({
      removalGraceMs: 30_000,
      onSyncTargetDeleted: 'wait',
    });
    expect(errorOf(() => load([...BASE, '--on-sync-target-deleted=linger'])).field).toBe(
      '--on-sync-target-deleted',
    );
    expect(errorOf(() => load([...BASE, '--removal-grace=-1s'])).field).toBe('--removal-grace');
  });

  it('merges flags over environment over file over defaults', () => {
    const files = {
      '/c.yaml': 'qps: 5\nburst: 6\nworkers: 7\nfeature-gates:\n  Tunnel: true\nresources: [secrets]\n',
    };
    const options = load(
      [...BASE, '--config', '/c.yaml', '--qps=1'],
      { KCP_TMC_QPS: '2', KCP_TMC_BURST: '3' },
      files,
    );
    expect(options).toMatchObject({ qps: 1, burst: 3, workers: 7, config: '/c.yaml' });
    expect(options.featureGates.Tunnel).toBe(true);
    expect(options.resources).toEqual([{ group: '', version: 'v1', resource: 'secrets' }]);
  });

  it('takes the config file path from the environment', () => {
    const options = load(BASE, { KCP_TMC_CONFIG: '/c.yaml' }, { '/c.yaml': 'workers: 2' });
    expect(options.workers).toBe(2);
  });

  it('plain mode needs no --from-cluster', () => {
    expect(load(['--sync-target-name=east', '--upstream-mode=plain']).fromCluster).toBeUndefined();
  });

  it('reports --help', () => {
    expect(load(['--help']).help).toBe(true);
    expect(load(['-h']).help).toBe(true);
  });

  const cases: Array<[string, string[], Record<string, string>, string]> = [
    ['non-numeric qps', ['--qps=x'], {}, '--qps: expected a number, got "x"'],
    // kcp's --qps is a float32 of any sign (0: client-go's default, negative: no limit): see transportLimits.
    ['fractional burst', ['--burst=1.5'], {}, '--burst: expected a non-negative integer, got "1.5"'],
    ['negative burst', ['--burst=-1'], {}, '--burst: expected a non-negative integer, got "-1"'],
    [
      'zero poll interval',
      ['--api-import-poll-interval=0s'],
      {},
      '--api-import-poll-interval: must be longer than 0',
    ],
    ['negative clean delay', ['--downstream-namespace-clean-delay=-1s'], {}, 'must not be negative'],
    [
      'bad logging format',
      ['--logging-format=xml'],
      {},
      '--logging-format: expected one of text, json, got "xml"',
    ],
    ['bad klog boolean', ['--logtostderr=maybe'], {}, '--logtostderr: expected true or false, got "maybe"'],
    [
      'bad flush frequency',
      ['--log-flush-frequency=often'],
      {},
      '--log-flush-frequency: expected a duration',
    ],
    ['bad vmodule', ['--vmodule=x'], {}, '--vmodule: expected pattern=N,..., got "x"'],
    [
      'kcp gate with a bad value',
      ['--feature-gates=KCPLocationAPI=on'],
      {},
      'value must be "true" or "false", got "on"',
    ],
    ['zero workers', ['--workers=0'], {}, '--workers: expected a positive integer, got "0"'],
    [
      'bad duration',
      ['--shutdown-timeout=soon'],
      {},
      '--shutdown-timeout: expected a duration such as 30s, 1m0s or 500ms, got "soon"',
    ],
    ['zero heartbeat', ['--heartbeat-period=0'], {}, '--heartbeat-period: must be longer than 0'],
    [
      'bad clean delay',
      ['--downstream-namespace-clean-delay=5'],
      {},
      '--downstream-namespace-clean-delay: expected a duration such as 30s, 1m0s or 500ms, got "5"',
    ],
    [
      'bad bind address',
      ['--metrics-bind-address=localhost'],
      {},
      '--metrics-bind-address: expected host:port (or 0 to disable), got "localhost"',
    ],
    [
      'bad port',
      ['--health-probe-bind-address=:99999'],
      {},
      '--health-probe-bind-address: expected a port from 0 to 65535 in ":99999"',
    ],
    ['bad verbosity', ['-v', 'loud'], {}, '--v: expected a verbosity level from 0 to 10, got "loud"'],
    [
      'bad upstream mode',
      ['--upstream-mode=magic'],
      {},
      '--upstream-mode: expected one of virtual-workspace, wildcard, plain, got "magic"',
    ],
    [
      'unknown gate',
      ['--feature-gates=Nope=true'],
      {},
      '--feature-gates: invalid feature gate "Nope=true": unknown gate "Nope"',
    ],
    ['bad gate value', ['--feature-gates=Tunnel=yes'], {}, 'value must be "true" or "false", got "yes"'],
    [
      'bad resource group',
      ['--resources=widgets.Example'],
      {},
      '--resources: "Example" is not an API group name',
    ],
    ['bad resource', ['--resources=Deployments'], {}, '--resources: "Deployments" is not a resource name'],
    [
      'bad sync target name',
      ['--sync-target-name=East_1'],
      {},
      '--sync-target-name: expected a lowercase DNS name',
    ],
    [
      'bad cluster',
      ['--from-cluster=Root::x'],
      {},
      '--from-cluster: expected a logical cluster path such as root:org:ws, got "Root::x"',
    ],
    ['empty kubeconfig', ['--from-kubeconfig='], {}, '--from-kubeconfig: must not be empty'],
    [
      'env value',
      [],
      { KCP_TMC_WORKERS: 'many' },
      '--workers (from KCP_TMC_WORKERS): expected a positive integer',
    ],
    ['unknown flag', ['--nope'], {}, '--nope: unknown flag (see --help)'],
    ['missing value', ['--qps'], {}, '--qps: expects a value'],
    ['positional', ['run-now'], {}, 'run-now: unexpected argument'],
  ];
  it.each(cases)('%s', (_name, argv, env, message) => {
    const err = errorOf(() => load([...BASE, ...argv], env));
    expect(err.message).toContain(message);
    expect(err.exitCode).toBe(2);
  });

  it('requires --sync-target-name', () => {
    expect(errorOf(() => load(['--from-cluster=root'])).message).toBe(
      '--sync-target-name: is required (the SyncTarget to serve)',
    );
  });

  it('requires --from-cluster in kcp modes', () => {
    expect(errorOf(() => load(['--sync-target-name=east', '--upstream-mode=wildcard'])).message).toBe(
      "--from-cluster: is required in wildcard mode (the SyncTarget's logical cluster)",
    );
  });

  describe('config file errors name the file and the field', () => {
    const fileError = (text: string | undefined) =>
      errorOf(() => load([...BASE, '--config=/c.yaml'], {}, text === undefined ? {} : { '/c.yaml': text }))
        .message;

    it('a bad value', () => {
      expect(fileError('qps: fast')).toBe('--qps (from /c.yaml): expected a number, got "fast"');
    });
    it('an unknown key', () => {
      expect(fileError('qsp: 3')).toMatch(
        /^qsp \(from \/c\.yaml\): unknown setting \(known: from-kubeconfig, /,
      );
    });
    it('a list where one value is expected', () => {
      expect(fileError('qps: [1, 2]')).toBe('--qps (from /c.yaml): expected a single value, got a list');
    });
    it('a nested value', () => {
      expect(fileError('workers: { a: 1 }')).toBe(
        '--workers (from /c.yaml): expected a string or number, got object',
      );
    });
    it('not a mapping', () => {
      expect(fileError('- a\n- b')).toBe('--config: "/c.yaml" must be a mapping of flag names to values');
    });
    it('invalid YAML', () => {
      expect(fileError('qps: [1')).toMatch(/^--config: "\/c\.yaml" is not valid YAML: /);
    });
    it('a missing file', () => {
      expect(fileError(undefined)).toBe('--config: cannot read "/c.yaml": ENOENT: no such file');
    });
    it('a bad gate in the mapping form', () => {
      expect(fileError('feature-gates:\n  Tunnel: maybe')).toContain(
        '--feature-gates (from /c.yaml): invalid feature gate "Tunnel=maybe"',
      );
    });
  });
});
