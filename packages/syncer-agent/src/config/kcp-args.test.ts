import { DEFAULT_FEATURE_GATES } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadAgentOptions } from './load.js';
import { transportLimits } from './options.js';

// The container args `kubectl kcp workload sync phys --resources=deployments.apps,services` generated against
// kcp v0.11.0 (reference/real-kcp/ground-truth/syncer.yaml.redacted), verbatim.
const GENERATED_ARGS = `
--from-kubeconfig=/kcp/kubeconfig
--sync-target-name=phys
--sync-target-uid=9a5bdde9-8da5-4175-aa87-461557b2c290
--from-cluster=1mkf0habviiif6ta
--api-import-poll-interval=1m0s
--downstream-namespace-clean-delay=30s
--resources=deployments.apps
--resources=services
--qps=20
--burst=30
--dns-image=ghcr.io/kcp-dev/kcp/syncer:v0.11.0
`
  .trim()
  .split('\n');

// The generated Deployment sets NAMESPACE from the pod's namespace (fieldRef metadata.namespace).
const DEPLOYMENT_ENV = { NAMESPACE: 'kcp-syncer-phys-17oz4k0x' };

function load(argv: string[], env: Record<string, string> = DEPLOYMENT_ENV) {
  return loadAgentOptions(argv, { env });
}

describe('kcp syncer arguments', () => {
  it('reads the generated Deployment args with kcp meaning', () => {
    const options = load(GENERATED_ARGS);
    expect(options).toMatchObject({
      fromKubeconfig: '/kcp/kubeconfig',
      syncTargetName: 'phys',
      syncTargetUid: '9a5bdde9-8da5-4175-aa87-461557b2c290',
      fromCluster: '1mkf0habviiif6ta',
      apiImportPollIntervalMs: 60_000,
      downstreamNamespaceCleanDelayMs: 30_000,
      resourcesToImport: ['deployments.apps', 'services'],
      qps: 20,
      burst: 30,
      dnsImage: 'ghcr.io/kcp-dev/kcp/syncer:v0.11.0',
      syncerNamespace: 'kcp-syncer-phys-17oz4k0x',
      upstreamMode: 'virtual-workspace',
      verbosity: 2,
      featureGates: DEFAULT_FEATURE_GATES,
    });
    expect(options.resources).toEqual([
      { group: 'apps', version: 'v1', resource: 'deployments' },
      { group: '', version: 'v1', resource: 'services' },
    ]);
    expect(transportLimits(options)).toEqual({ qps: 20, burst: 30 });
  });

  it('with --qps=-1, -v=4 and --logging-format=json', () => {
    const options = load([...GENERATED_ARGS, '--qps=-1', '-v=4', '--logging-format=json']);
    expect(options).toMatchObject({ qps: -1, verbosity: 4, loggingFormat: 'json' });
    // client-go: a negative QPS means no client-side rate limiter; our transport's qps 0 is that.
    expect(transportLimits(options)).toEqual({ qps: 0, burst: 30 });
  });

  it('QPS 0 and burst 0 take client-go defaults (5, 10)', () => {
    expect(transportLimits(load([...GENERATED_ARGS, '--qps=0', '--burst=0']))).toEqual({ qps: 5, burst: 10 });
  });

  it('accepts kcp feature gate names, repeated --feature-gates, and our names', () => {
    const options = load([
      ...GENERATED_ARGS,
      '--feature-gates=KCPSyncerTunnel=true,KCPLocationAPI=true',
      '--feature-gates=ServerSideApply=true,AdvancedScheduling=true',
    ]);
    expect(options.featureGates).toMatchObject({ Tunnel: true, AdvancedScheduling: true, TMC: true });
    expect(load([...GENERATED_ARGS, '--feature-gates=Tunnel=true']).featureGates.Tunnel).toBe(true);
  });

  it('AllAlpha turns on alpha gates unless a gate is named', () => {
    const gates = load([
      ...GENERATED_ARGS,
      '--feature-gates=AllAlpha=true,KCPSyncerTunnel=false',
    ]).featureGates;
    expect(gates).toMatchObject({ AdvancedScheduling: true, Tunnel: false, TMC: true });
  });

  it('reads pflag spellings: -r, -v N, --v=N, underscores, --bool=false, klog flags', () => {
    const options = load([
      ...GENERATED_ARGS.filter((a) => !a.startsWith('--resources')),
      '-r',
      'configmaps',
      '-r=widgets.example.com',
      '--v',
      '6',
      '--log_flush_frequency=2s',
      '--logtostderr=false',
      '--alsologtostderr',
      '--vmodule=syncer*=4',
      '--stderrthreshold=INFO',
      '--log-json-split-stream=true',
    ]);
    expect(options.resourcesToImport).toEqual(['configmaps', 'widgets.example.com']);
    // No version is known here for example.com: the importer reads it from downstream discovery.
    expect(options.resources).toEqual([{ group: '', version: 'v1', resource: 'configmaps' }]);
    expect(options.verbosity).toBe(6);
  });

  it('reads Go durations', () => {
    expect(load([...GENERATED_ARGS, '--api-import-poll-interval=1h2m3.5s']).apiImportPollIntervalMs).toBe(
      3_723_500,
    );
    expect(load([...GENERATED_ARGS, '--api-import-poll-interval=1500us']).apiImportPollIntervalMs).toBe(1.5);
  });

  it('leaves syncerNamespace unset without NAMESPACE (a local run)', () => {
    expect(load(GENERATED_ARGS, {}).syncerNamespace).toBeUndefined();
  });

  it('reports --version', () => {
    expect(load(['--version']).version).toBe(true);
  });

  it('still fails an unknown flag with one line', () => {
    let error: unknown;
    try {
      load([...GENERATED_ARGS, '--sync-everything']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe('--sync-everything: unknown flag (see --help)');
  });
});
