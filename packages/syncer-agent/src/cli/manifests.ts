import { readFileSync } from 'node:fs';
import {
  type KubeClient,
  SYNC_TARGET_GVR,
  type SyncTarget,
  TmcError,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { loadKubeConfig, registerKube } from '@kcp-tmc/kube';
import { container } from 'tsyringe';
import {
  AgentStartError,
  describe,
  kubeconfigSource,
  loadSideKubeconfig,
  upstreamSide,
} from '../agent/upstream-access.js';
import { ConfigError } from '../config/errors.js';
import { AGENT_FLAGS, type FlagSpec, formatFlags } from '../config/flags.js';
import { agentOptionsFrom, mergeSources, parseCommandLine, SettingReader } from '../config/load.js';
import { nonEmpty } from '../config/values.js';
import { renderManifests, toYaml } from '../manifests/render.js';
import type { Command } from './io.js';
import { agentVersion } from './version.js';

const UPSTREAM_FLAGS = new Set([
  'from-kubeconfig',
  'from-context',
  'from-cluster',
  'sync-target-name',
  'upstream-mode',
  'resources',
  'qps',
  'burst',
  'feature-gates',
  'config',
]);

const FLAGS: readonly FlagSpec[] = [
  ...AGENT_FLAGS.filter((f) => UPSTREAM_FLAGS.has(f.name)),
  {
    name: 'image',
    type: 'string',
    placeholder: 'ref',
    description: 'Agent image (default ghcr.io/kcp-tmc/syncer-agent:<version>).',
  },
  {
    name: 'namespace',
    type: 'string',
    placeholder: 'name',
    description: 'Downstream namespace of the agent (default kcp-syncer-<name>-<hash>).',
  },
  {
    name: 'create-sync-target',
    type: 'boolean',
    flagOnly: true,
    description: 'Create the SyncTarget upstream when it does not exist.',
  },
];

const HELP = `Usage: syncer-agent manifests --sync-target-name <name> --from-cluster <path> [flags] > syncer.yaml

Like "kubectl kcp workload sync": reads (or with --create-sync-target creates) the SyncTarget upstream, then
prints the downstream YAML that runs the agent: Namespace, ServiceAccount, a least-privilege ClusterRole for
the synced resources and its binding, a Secret with the upstream kubeconfig, and a Deployment (Recreate
strategy, probes, metrics port). Apply it to the downstream cluster: kubectl apply -f syncer.yaml

Flags:
${formatFlags(FLAGS)}
`;

export const manifestsCommand: Command = {
  name: 'manifests',
  summary: 'Print the downstream YAML that runs the agent for a SyncTarget.',
  flags: FLAGS,
  async run(argv, io) {
    const commandLine = parseCommandLine(argv, FLAGS);
    if (commandLine.help) {
      io.stdout.write(HELP);
      return 0;
    }
    // The agent flags not shown here keep their defaults, so the same validation applies.
    const all = [...FLAGS, ...AGENT_FLAGS.filter((f) => !UPSTREAM_FLAGS.has(f.name))];
    const settings = new SettingReader(mergeSources(commandLine, all, { env: io.env }));
    const options = agentOptionsFrom(settings);
    const image = settings.optional('image', nonEmpty) ?? `ghcr.io/kcp-tmc/syncer-agent:${agentVersion()}`;
    const namespace = settings.optional('namespace', nonEmpty);

    // Never client-node's invented localhost:8080 when no kubeconfig is found.
    loadSideKubeconfig('--from-kubeconfig', options.fromKubeconfig, options.fromContext);
    const c = container.createChildContainer();
    const kube = registerKube(c, {
      upstream: upstreamSide(options),
      downstream: { kubeconfig: kubeconfigSource(options.fromKubeconfig, options.fromContext) },
    });
    try {
      const client = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
      const target = await ensureSyncTarget(
        client,
        options,
        commandLine.values['create-sync-target'] === true,
      );
      const synced = (target.status?.syncedResources ?? [])
        .filter((r) => r.state !== 'Incompatible')
        .flatMap((r) =>
          r.versions.slice(0, 1).map((version) => ({ group: r.group, version, resource: r.resource })),
        );
      const resources = dedupe([...synced, ...options.resources]);
      const objects = renderManifests({
        syncTargetName: options.syncTargetName,
        syncTargetUid: target.metadata.uid ?? '',
        ...(options.fromCluster === undefined ? {} : { fromCluster: options.fromCluster }),
        upstreamMode: options.upstreamMode,
        upstreamKubeconfig: upstreamKubeconfig(options.fromKubeconfig, options.fromContext),
        resources,
        featureGates: options.featureGates,
        image,
        ...(namespace === undefined ? {} : { namespace }),
        qps: options.qps,
        burst: options.burst,
      });
      io.stdout.write(toYaml(objects));
      return 0;
    } finally {
      await kube.close();
    }
  },
};

async function ensureSyncTarget(
  client: KubeClient,
  options: ReturnType<typeof agentOptionsFrom>,
  create: boolean,
): Promise<SyncTarget> {
  const scope =
    options.upstreamMode === 'plain' || options.fromCluster === undefined
      ? {}
      : { cluster: options.fromCluster };
  try {
    return (await client.get(SYNC_TARGET_GVR, { name: options.syncTargetName, ...scope })) as SyncTarget;
  } catch (err) {
    if (!(err instanceof TmcError && err.type === 'NotFound')) {
      throw new AgentStartError(
        `cannot read SyncTarget "${options.syncTargetName}" from the upstream: ${describe(err)}`,
      );
    }
    if (!create) {
      throw new AgentStartError(
        `SyncTarget "${options.syncTargetName}" not found (pass --create-sync-target to create it)`,
      );
    }
  }
  return (await client.create(
    SYNC_TARGET_GVR,
    {
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      metadata: { name: options.syncTargetName },
    },
    scope,
  )) as SyncTarget;
}

/** The upstream kubeconfig reduced to the one context the agent uses, with its credentials inlined. */
function upstreamKubeconfig(file: string | undefined, context: string | undefined): string {
  const kc = loadKubeConfig(kubeconfigSource(file, context));
  const current = kc.getCurrentContext();
  const ctx = kc.getContextObject(current);
  if (ctx === null) throw new ConfigError('--from-context', `kubeconfig has no context "${current}"`);
  kc.contexts = [ctx];
  kc.clusters = kc.clusters.filter((cl) => cl.name === ctx.cluster);
  kc.users = kc.users.filter((u) => u.name === ctx.user);
  const user = kc.users[0] as
    | { certFile?: string; keyFile?: string; keyData?: string; certData?: string }
    | undefined;
  // Files on this machine do not exist in the pod: inline them.
  if (user?.certFile !== undefined)
    Object.assign(user, { certData: readFileSync(user.certFile).toString('base64'), certFile: undefined });
  if (user?.keyFile !== undefined)
    Object.assign(user, { keyData: readFileSync(user.keyFile).toString('base64'), keyFile: undefined });
  return kc.exportConfig();
}

function dedupe<T extends { group: string; resource: string }>(items: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items)
    if (!seen.has(`${item.group}/${item.resource}`)) seen.set(`${item.group}/${item.resource}`, item);
  return [...seen.values()];
}
