import { parseUpstream, readResolvConf, type UpstreamResolver, WorkspaceNameServer } from '@kcp-tmc/dns';
import type { KubeClient } from '@kcp-tmc/interfaces';
import { ClusterConnection, DynamicClient, loadKubeConfig, RestMapper, Transport } from '@kcp-tmc/kube';
import { parseCommandLine } from '../config/command-line.js';
import { ConfigError } from '../config/errors.js';
import { type FlagSpec, formatFlags } from '../config/flags.js';
import { type Command, loggerFor } from './io.js';

const FLAGS: readonly FlagSpec[] = [
  {
    name: 'configmap-name',
    type: 'string',
    placeholder: 'name',
    flagOnly: true,
    description: 'Name of the ConfigMap containing namespace mappings (kcp). Required.',
  },
  {
    name: 'kubeconfig',
    type: 'string',
    placeholder: 'path',
    flagOnly: true,
    description: 'Kubeconfig of the cluster the nameserver runs in (default: in-cluster, as kcp’s).',
  },
  {
    name: 'listen-address',
    type: 'string',
    placeholder: 'host:port',
    flagOnly: true,
    default: '0.0.0.0:5353',
    description: 'Where to serve DNS over UDP and TCP.',
  },
  {
    name: 'upstream',
    type: 'string',
    multiple: true,
    placeholder: 'host[:port]',
    flagOnly: true,
    description:
      'Resolver to forward to, repeatable (default: the nameservers of /etc/resolv.conf, as kcp’s).',
  },
  {
    name: 'v',
    type: 'string',
    short: 'v',
    placeholder: 'level',
    flagOnly: true,
    default: '2',
    description: 'Log verbosity (4 logs every rewritten name).',
  },
];

const HELP = `Usage: syncer-agent dns start --configmap-name <name> [flags]

Runs kcp's per-workspace nameserver (kcp: \`syncer dns start\`), as the DNS Deployment the agent creates in
its namespace runs it. Answers <svc>.<workspace-namespace>.svc.<zone> with the Service of the physical
namespace the ConfigMap maps it to, and forwards every other query. The ConfigMap is read from the namespace in
the NAMESPACE environment variable (kcp's Deployment sets it). SIGTERM or SIGINT stops it.

Flags:
${formatFlags(FLAGS)}
`;

function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function listenAddress(value: string): { host: string; port: number } {
  // `host:port`, `:port` (every address) or `[v6]:port`; port 0 picks a free one.
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port > 65_535) {
    throw new ConfigError('--listen-address', `"${value}" is not host:port`);
  }
  return { host: match[1] ?? (match[2] === '' ? '0.0.0.0' : (match[2] as string)), port };
}

function downstreamClient(
  kubeconfig: string | undefined,
  env: CliEnv,
): { client: KubeClient; close(): Promise<void> } {
  // kcp's nameserver reads the in-cluster config; outside a pod, client-node's defaults (KUBECONFIG, ~/.kube).
  const source =
    kubeconfig !== undefined ? { file: kubeconfig } : env.KUBERNETES_SERVICE_HOST ? { inCluster: true } : {};
  const connection = new ClusterConnection(loadKubeConfig(source));
  const transport = new Transport(connection);
  return { client: new DynamicClient(transport, new RestMapper(transport)), close: () => connection.close() };
}

type CliEnv = Readonly<Record<string, string | undefined>>;

export const dnsCommand: Command = {
  name: 'dns',
  summary: "Run kcp's per-workspace DNS nameserver (dns start).",
  async run(argv, io) {
    const { values, positionals, help } = parseCommandLine(argv, FLAGS);
    if (help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] !== 'start') {
      io.stderr.write(`syncer-agent dns: expected the subcommand "start"\n\n${HELP}`);
      return 2;
    }
    const configMapName = stringFlag(values, 'configmap-name');
    if (configMapName === undefined) throw new ConfigError('--configmap-name', 'is required');
    const namespace = io.env.NAMESPACE;
    if (namespace === undefined || namespace === '') {
      throw new ConfigError('NAMESPACE', 'must name the namespace of the ConfigMap (the pod’s own)');
    }
    const verbosity = Number(stringFlag(values, 'v') ?? '2');
    if (!Number.isInteger(verbosity) || verbosity < 0) throw new ConfigError('-v', 'expected a level >= 0');
    const upstream = values.upstream;
    let resolvers: UpstreamResolver[];
    try {
      resolvers =
        Array.isArray(upstream) && upstream.length > 0
          ? upstream.map(String).map(parseUpstream)
          : readResolvConf();
    } catch (err) {
      throw new ConfigError('--upstream', err instanceof Error ? err.message : String(err));
    }
    const logger = loggerFor(io, verbosity);
    const kube = downstreamClient(stringFlag(values, 'kubeconfig'), io.env);
    const server = new WorkspaceNameServer(
      kube.client,
      {
        namespace,
        configMapName,
        resolvers,
        listen: listenAddress(stringFlag(values, 'listen-address') ?? '0.0.0.0:5353'),
      },
      logger,
    );
    let stop: (signal: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => {
      stop = resolve;
    });
    const unsubscribe = io.onSignal((signal) => stop(signal));
    try {
      const starting = server.start();
      // A signal during the first list ends the race; the start it leaves behind fails unobserved.
      starting.catch(() => {});
      const address = await Promise.race([starting, stopped.then(() => undefined)]);
      if (address !== undefined) {
        logger.info('DNS nameserver serving', { ...address, namespace, configmap: configMapName, resolvers });
        logger.info('stopping DNS nameserver', { signal: await stopped });
      }
      return 0;
    } finally {
      unsubscribe();
      await server.stop();
      await kube.close();
    }
  },
};
