import { type KubeClient, UPSTREAM_KUBE_CLIENT } from '@kcp-tmc/interfaces';
import { registerKube } from '@kcp-tmc/kube';
import { container } from 'tsyringe';
import { kubeconfigSource, loadSideKubeconfig, upstreamSide } from '../agent/upstream-access.js';
import { parseCommandLine } from '../config/command-line.js';
import { ConfigError } from '../config/errors.js';
import { AGENT_FLAGS, type FlagSpec, formatFlags } from '../config/flags.js';
import { agentOptionsFrom } from '../config/load.js';
import { SettingReader } from '../config/settings.js';
import { mergeSources } from '../config/sources.js';
import { nonEmpty, nonNegativeInteger, objectName, oneOf } from '../config/values.js';
import { agentImage } from '../manifests/image.js';
import { upstreamServer } from '../manifests/kubeconfig.js';
import { renderFor, type UpstreamObjectsMode } from '../manifests/plan.js';
import { toJson, toYaml } from '../manifests/render.js';
import { applySyncTarget, readSyncTarget } from '../manifests/sync-target.js';
import type { Command } from './io.js';

const UPSTREAM_FLAGS = new Set([
  'from-kubeconfig',
  'from-context',
  'from-cluster',
  'sync-target-name',
  'upstream-mode',
  'resources',
  'api-import-poll-interval',
  'downstream-namespace-clean-delay',
  'qps',
  'burst',
  'feature-gates',
  'tunnel',
  'tunnel-exec',
  'config',
]);

const UPSTREAM_OBJECTS_MODES: readonly UpstreamObjectsMode[] = ['create', 'print', 'existing'];

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
    short: 'n',
    type: 'string',
    placeholder: 'name',
    description: 'Downstream namespace of the agent (default kcp-syncer-<name>-<hash>, as kcp).',
  },
  {
    name: 'replicas',
    type: 'string',
    placeholder: 'n',
    default: '1',
    description:
      'Replicas of the Deployment: 0, 1 (as kcp), or more, which elect a leader (--leader-elect) so only one writes.',
  },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    placeholder: 'format',
    default: 'yaml',
    description: 'yaml (documents) or json (a v1 List).',
  },
  {
    name: 'labels',
    type: 'string',
    multiple: true,
    placeholder: 'key=value',
    description: 'Labels of the SyncTarget kcp creates (kcp: --labels).',
  },
  {
    name: 'apiexports',
    type: 'string',
    multiple: true,
    placeholder: 'path:name',
    description:
      'APIExports the SyncTarget supports (default root:compute:kubernetes; an empty value for none). With --resources the workspace-local "kubernetes" export is added, as kcp does.',
  },
  {
    name: 'kcp-namespace',
    type: 'string',
    placeholder: 'name',
    default: 'default',
    description: 'Workspace namespace of the upstream ServiceAccount.',
  },
  {
    name: 'upstream-objects',
    type: 'string',
    placeholder: 'mode',
    default: 'create',
    description:
      'create: create the SyncTarget, ServiceAccount, ClusterRole and binding upstream (needs that access), then print the downstream objects. print: print only the upstream objects, for an admin to apply. existing: they exist; read the token and print the downstream objects.',
  },
];

const HELP = `Usage: syncer-agent manifests --sync-target-name <name> --from-kubeconfig <workspace kubeconfig> [flags] > syncer.yaml

Like "kubectl kcp workload sync": ensures the SyncTarget and, in the SyncTarget's workspace, a dedicated
ServiceAccount allowed only to sync that SyncTarget (ClusterRole and binding named kcp-syncer-<name>-<hash>),
then prints the downstream objects that run the agent with that ServiceAccount's token: Namespace,
ServiceAccount, ClusterRole and binding (exactly the verbs the agent uses), the Secret with the upstream
kubeconfig (CA inlined) and the Deployment. Apply them downstream: kubectl apply -f syncer.yaml

Without access to create RBAC upstream: --upstream-objects=print > upstream.yaml for an admin to apply in the
workspace, then --upstream-objects=existing to print the downstream objects.

Flags:
${formatFlags(FLAGS)}
`;

function label(text: string) {
  const parts = text.split('=');
  if (parts.length !== 2 || parts[0] === '') {
    return { ok: false as const, reason: `label "${text}" is not in the format of key=value` };
  }
  return { ok: true as const, value: parts as [string, string] };
}

export const manifestsCommand: Command = {
  name: 'manifests',
  summary: 'Create the upstream ServiceAccount and RBAC for a SyncTarget; print the downstream YAML.',
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
    if (options.upstreamMode === 'plain') {
      throw new ConfigError(
        '--upstream-mode',
        "manifests renders kcp's syncer objects; a plain Kubernetes upstream has no SyncTarget workspace to create them in",
      );
    }
    const given = (name: string) => (settings.sourceOf(name)?.kind ?? 'default') !== 'default';
    const mode = settings.required('upstream-objects', oneOf(UPSTREAM_OBJECTS_MODES));
    const format = settings.required('output', oneOf(['yaml', 'json'] as const));
    // Never client-node's invented localhost:8080 when no kubeconfig is found.
    loadSideKubeconfig('--from-kubeconfig', options.fromKubeconfig, options.fromContext);
    const source = kubeconfigSource(options.fromKubeconfig, options.fromContext);
    const server = upstreamServer(source, true);
    // Required in kcp modes (agentOptionsFrom checks): the SyncTarget's workspace.
    const workspace = options.fromCluster ?? '';

    // Every flag is read before anything is written upstream, so a bad one changes nothing.
    const apiExports = settings.has('apiexports')
      ? settings.list('apiexports', (text) => ({ ok: true as const, value: text }))
      : ['root:compute:kubernetes'];
    const syncTargetSpec = {
      name: options.syncTargetName,
      labels: Object.fromEntries(settings.list('labels', label)),
      apiExports: apiExports.filter((e) => e !== ''),
      withResources: (options.resourcesToImport ?? []).length > 0,
      log: (line: string) => io.stderr.write(line),
    };
    const rendering = {
      mode,
      workspace,
      server,
      options,
      kcpNamespace: settings.required('kcp-namespace', objectName),
      image: settings.optional('image', nonEmpty) ?? agentImage(),
      namespace: settings.optional('namespace', objectName),
      replicas: settings.required('replicas', nonNegativeInteger),
      featureGatesArg: given('feature-gates')
        ? settings.list('feature-gates', nonEmpty).join(',')
        : undefined,
      // Only as given: left out, the agent picks the tunnel by its upstream mode, as here.
      ...(given('tunnel') && options.tunnel !== undefined ? { tunnel: options.tunnel } : {}),
      // kcp's plugin defaults, which differ from its syncer's (and the agent's).
      qps: given('qps') ? options.qps : 20,
      burst: given('burst') ? options.burst : 30,
      log: (line: string) => io.stderr.write(line),
    };

    const c = container.createChildContainer();
    const kube = registerKube(c, {
      // Everything manifests touches lives in the SyncTarget's workspace, discovery included.
      upstream: upstreamSide(options, { discovery: { cluster: workspace } }),
      downstream: { kubeconfig: source },
    });
    try {
      const client = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
      const target =
        mode === 'create'
          ? await applySyncTarget(client, workspace, syncTargetSpec)
          : await readSyncTarget(client, workspace, options.syncTargetName);
      const objects = await renderFor({ ...rendering, client, target });
      io.stdout.write(format === 'json' ? toJson(objects) : toYaml(objects));
      return 0;
    } finally {
      await kube.close();
    }
  },
};
