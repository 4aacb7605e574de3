import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNCED_RESOURCE_VERBS } from '@kcp-tmc/engine';
import { type KubeObject, type SyncTarget, syncerId } from '@kcp-tmc/interfaces';
import { type KubeSimulator, realRequest, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNode, parseAllDocuments, parse as parseYaml, visit } from 'yaml';
import type { CliIO } from '../cli/io.js';
import { main } from '../cli/main.js';
import { AGENT_IMAGE_REPOSITORY, agentImage } from './image.js';
import { upstreamClusterRoleRules } from './rbac.js';

function capture(): { io: CliIO; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (c: string) => out.push(c) },
      stderr: { write: (c: string) => err.push(c) },
      env: {},
      onSignal: () => () => {},
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
const OPERATOR_TOKEN = 'operator-own-token';

type PodTemplateSpec = {
  template: { spec: { serviceAccountName?: string; containers: { args?: string[] }[] } };
};
/** The agent container's args of a rendered Deployment. */
const argsOf = (o: KubeObject | undefined): string[] =>
  (o?.spec as PodTemplateSpec | undefined)?.template.spec.containers[0]?.args ?? [];

/** Documents of a YAML stream; fails when any carries an anchor or an alias. */
function documents(text: string): KubeObject[] {
  return parseAllDocuments(text).map((doc) => {
    visit(doc, {
      Alias: () => {
        throw new Error('YAML alias in the output');
      },
      Node: (_, node) => {
        if (isNode(node) && node.anchor !== undefined) throw new Error(`YAML anchor &${node.anchor}`);
      },
    });
    return doc.toJS() as KubeObject;
  });
}

describe('syncer-agent manifests (kcp simulator upstream)', () => {
  let upstream: KubeSimulator;
  let dir: string;
  let kubeconfigPath: string;
  beforeAll(async () => {
    upstream = await startKubeSimulator({
      kcp: { clusters: ['root:org'] },
      tls: true,
      token: OPERATOR_TOKEN,
    });
    // The operator's kubeconfig names its CA and token by file, as many do: both are read, neither is copied.
    dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    writeFileSync(join(dir, 'ca.crt'), upstream.caPem ?? '');
    writeFileSync(join(dir, 'token'), OPERATOR_TOKEN);
    kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, operatorKubeconfig(join(dir, 'token')));
  });
  afterAll(async () => {
    await upstream.stop();
  });

  function operatorKubeconfig(tokenFile: string): string {
    return `apiVersion: v1
kind: Config
clusters:
- name: kcp
  cluster:
    server: ${upstream.url}/clusters/root:org
    certificate-authority: ${join(dir, 'ca.crt')}
users:
- name: operator
  user:
    token-file: ${tokenFile}
contexts:
- name: org
  context: {cluster: kcp, user: operator}
current-context: org
`;
  }

  const args = (...extra: string[]) => [
    'manifests',
    `--from-kubeconfig=${kubeconfigPath}`,
    '--from-cluster=root:org',
    '--sync-target-name=east',
    '--resources=deployments.apps,services',
    '--apiexports=',
    '--labels=region=eu',
    ...extra,
  ];
  const up = async (path: string) => {
    const server = { url: upstream.url, token: OPERATOR_TOKEN, caCertPem: upstream.caPem ?? '' };
    const { body } = await realRequest(server, 'GET', `/clusters/root:org${path}`);
    return body as KubeObject & { items?: KubeObject[] };
  };

  it("creates kcp's upstream objects and prints the downstream ones with the ServiceAccount's token", async () => {
    const t = capture();
    expect(await main(args('--image=registry.example/syncer:1'), t.io), t.err()).toBe(0);
    const target = (await up('/apis/workload.kcp.io/v1alpha1/synctargets/east')) as SyncTarget;
    expect(target.metadata.labels).toMatchObject({ region: 'eu' });
    expect(target.spec).toEqual({ supportedAPIExports: [{ export: 'kubernetes' }] });
    const id = syncerId('east', target.metadata.uid ?? '');
    expect(id).toMatch(/^kcp-syncer-east-[0-9a-z]{8}$/);

    // Upstream, as kcp's plugin: ServiceAccount, ClusterRole scoped to the one SyncTarget, binding.
    const role = await up(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${id}`);
    expect(role.rules).toEqual(upstreamClusterRoleRules('east'));
    expect(role.rules).toContainEqual({
      verbs: ['sync'],
      apiGroups: ['workload.kcp.io'],
      resourceNames: ['east'],
      resources: ['synctargets'],
    });
    const binding = await up(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${id}`);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: id, namespace: 'default' }]);
    const account = await up(`/api/v1/namespaces/default/serviceaccounts/${id}`);
    expect(account.metadata.ownerReferences).toEqual([
      { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', name: 'east', uid: target.metadata.uid },
    ]);
    const tokenSecretName = (account.secrets as Array<{ name: string }>)[0]?.name;
    const tokenSecret = await up(`/api/v1/namespaces/default/secrets/${tokenSecretName}`);
    const saToken = Buffer.from((tokenSecret.data as { token: string }).token, 'base64').toString();

    const objects = documents(t.out());
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      `Namespace/${id}`,
      `ServiceAccount/${id}`,
      `Secret/${id}-token`,
      `ClusterRole/${id}`,
      `ClusterRoleBinding/${id}`,
      `Secret/${id}`,
      `Deployment/${id}`,
    ]);
    const byKind = (kind: string, name = id) =>
      objects.find((o) => o.kind === kind && o.metadata.name === name) as KubeObject;

    const rules = byKind('ClusterRole').rules as Rule[];
    expect(rules).toContainEqual({
      apiGroups: [''],
      resources: ['configmaps', 'secrets', 'services'],
      verbs: [...SYNCED_RESOURCE_VERBS],
    });
    expect(rules).toContainEqual({
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: [...SYNCED_RESOURCE_VERBS],
    });
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] });
    for (const rule of rules) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.resources).not.toContain('pods/exec');
    }

    // The Secret: the dedicated ServiceAccount's token and the CA inlined; nothing of the operator's.
    const kubeconfigText = (byKind('Secret').stringData as { kubeconfig: string }).kubeconfig;
    expect(kubeconfigText).not.toContain(OPERATOR_TOKEN);
    expect(t.out()).not.toContain(dir);
    const kubeconfig = parseYaml(kubeconfigText) as {
      clusters: Array<{ cluster: Record<string, string> }>;
      users: Array<{ user: Record<string, string> }>;
    };
    expect(kubeconfig.users).toEqual([{ name: 'default-user', user: { token: saToken } }]);
    expect(kubeconfig.clusters[0]?.cluster).toEqual({
      'certificate-authority-data': Buffer.from(readFileSync(join(dir, 'ca.crt'))).toString('base64'),
      server: upstream.url,
    });

    const spec = byKind('Deployment').spec as {
      replicas: number;
      strategy: { type: string };
      template: {
        spec: { securityContext: Record<string, unknown>; containers: Array<Record<string, unknown>> };
      };
    };
    expect(spec.replicas).toBe(1);
    expect(spec.strategy.type).toBe('Recreate');
    expect(spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
    });
    const container = spec.template.spec.containers[0] as Record<string, unknown> & { args: string[] };
    expect(container.image).toBe('registry.example/syncer:1');
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.args).toEqual([
      'run',
      '--from-kubeconfig=/kcp/kubeconfig',
      '--sync-target-name=east',
      `--sync-target-uid=${target.metadata.uid}`,
      `--from-cluster=${target.metadata.annotations?.['kcp.io/cluster']}`,
      '--api-import-poll-interval=1m0s',
      '--downstream-namespace-clean-delay=30s',
      '--resources=deployments.apps',
      '--resources=services',
      '--qps=20',
      '--burst=30',
      '--metrics-bind-address=0.0.0.0:8080',
      '--health-probe-bind-address=0.0.0.0:8081',
    ]);
    expect(container).toHaveProperty('readinessProbe.httpGet.path', '/readyz');

    // Run again with the objects in place: they are updated, the output is the same (kcp's plugin too).
    const again = capture();
    expect(await main(args('--image=registry.example/syncer:1'), again.io), again.err()).toBe(0);
    expect(again.err()).toContain(`Updated ClusterRole ${id} upstream.`);
    expect(again.out()).toBe(t.out());
    // And with only read access to them (an admin applied them).
    const existing = capture();
    expect(
      await main(args('--image=registry.example/syncer:1', '--upstream-objects=existing'), existing.io),
    ).toBe(0);
    expect(existing.out()).toBe(t.out());
  });

  it('prints the upstream objects for an admin, including a token Secret for the ServiceAccount', async () => {
    const t = capture();
    expect(await main(args('--upstream-objects=print'), t.io), t.err()).toBe(0);
    const objects = documents(t.out());
    expect(objects.map((o) => o.kind)).toEqual([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Secret',
    ]);
    expect(objects[3]).toMatchObject({ type: 'kubernetes.io/service-account-token' });
    expect(objects[1]?.rules).toEqual(upstreamClusterRoleRules('east'));
  });

  it('-o json prints a v1 List; --replicas 0 or 1 as kcp, more with leader election', async () => {
    const t = capture();
    expect(await main(args('-o', 'json', '--replicas=0', '--upstream-objects=existing'), t.io), t.err()).toBe(
      0,
    );
    const list = JSON.parse(t.out()) as { kind: string; items: KubeObject[] };
    expect(list.kind).toBe('List');
    const single = list.items.find((o) => o.kind === 'Deployment');
    expect(single).toHaveProperty('spec.replicas', 0);
    expect(single).toHaveProperty('spec.strategy', { type: 'Recreate' });
    expect(argsOf(single)).not.toContain('--leader-elect');
    expect(list.items.filter((o) => o.kind === 'Role')).toEqual([]);
    // The default image is the package's own.
    expect(single).toHaveProperty('spec.template.spec.containers.0.image', agentImage());

    const two = capture();
    expect(
      await main(args('-o', 'json', '--replicas=2', '--upstream-objects=existing'), two.io),
      two.err(),
    ).toBe(0);
    const items = (JSON.parse(two.out()) as { items: KubeObject[] }).items;
    const deployment = items.find((o) => o.kind === 'Deployment');
    expect(deployment).toHaveProperty('spec.replicas', 2);
    expect(argsOf(deployment)).toContain('--leader-elect');
    expect(deployment).toHaveProperty('spec.strategy.type', 'RollingUpdate');
    // The Lease's permissions only in the agent's own namespace.
    const role = items.find((o) => o.kind === 'Role');
    expect(role?.metadata.namespace).toBe(deployment?.metadata.namespace);
    expect(role?.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update'] },
    ]);
    expect(items.find((o) => o.kind === 'RoleBinding')).toMatchObject({
      roleRef: { kind: 'Role', name: role?.metadata.name },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: (deployment?.spec as PodTemplateSpec | undefined)?.template.spec.serviceAccountName,
        },
      ],
    });
    const bad = capture();
    expect(await main(args('--replicas=-1'), bad.io)).toBe(2);
    expect(bad.err()).toContain('--replicas');
  });

  it('grants pod logs for the tunnel, and exec, attach and port-forward only with --tunnel-exec', async () => {
    const podRules = async (...extra: string[]) => {
      const t = capture();
      expect(await main(args('-o', 'json', '--upstream-objects=existing', ...extra), t.io), t.err()).toBe(0);
      const items = (JSON.parse(t.out()) as { items: KubeObject[] }).items;
      const rules = (items.find((o) => o.kind === 'ClusterRole')?.rules ?? []) as Rule[];
      const agentArgs = argsOf(items.find((o) => o.kind === 'Deployment'));
      return {
        pods: rules.filter((r) => r.resources.some((res) => res.startsWith('pods'))),
        args: agentArgs,
      };
    };
    expect((await podRules()).pods).toEqual([]);
    const logs = await podRules('--feature-gates=KCPSyncerTunnel=true');
    expect(logs.pods).toEqual([{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]);
    expect(logs.args).not.toContain('--tunnel-exec');
    const exec = await podRules('--feature-gates=KCPSyncerTunnel=true', '--tunnel-exec');
    expect(exec.pods).toEqual([
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      {
        apiGroups: [''],
        resources: ['pods/attach', 'pods/exec', 'pods/portforward'],
        verbs: ['create', 'get'],
      },
    ]);
    expect(exec.args).toContain('--tunnel-exec');
  });

  it('passes --tunnel on to the agent only when given, so its default follows the upstream mode', async () => {
    const agentArgs = async (...extra: string[]) => {
      const t = capture();
      expect(await main(args('-o', 'json', '--upstream-objects=existing', ...extra), t.io), t.err()).toBe(0);
      const items = (JSON.parse(t.out()) as { items: KubeObject[] }).items;
      return argsOf(items.find((o) => o.kind === 'Deployment'));
    };
    const gate = '--feature-gates=KCPSyncerTunnel=true';
    expect((await agentArgs(gate)).filter((a) => a.startsWith('--tunnel'))).toEqual([]);
    expect(await agentArgs(gate, '--tunnel=websocket')).toContain('--tunnel=websocket');
    expect(await agentArgs(gate, '--tunnel', 'kcp', '--tunnel-exec')).toEqual(
      expect.arrayContaining(['--tunnel=kcp', '--tunnel-exec']),
    );
    const bad = capture();
    expect(await main(args('--upstream-objects=existing', '--tunnel=ssh'), bad.io)).toBe(2);
    expect(bad.err()).toContain('--tunnel');
  });

  it('a token-file that cannot be read is an error naming it', async () => {
    const path = join(dir, 'broken-kubeconfig');
    writeFileSync(path, operatorKubeconfig(join(dir, 'missing-token')));
    const t = capture();
    const code = await main(
      ['manifests', `--from-kubeconfig=${path}`, '--from-cluster=root:org', '--sync-target-name=east'],
      t.io,
    );
    expect(code).not.toBe(0);
    expect(t.err()).toContain(join(dir, 'missing-token'));
  });

  it('manifests --help', async () => {
    const t = capture();
    expect(await main(['manifests', '--help'], t.io)).toBe(0);
    expect(t.out()).toContain('Usage: syncer-agent manifests');
    expect(t.out()).toContain('--upstream-objects');
  });
});

describe("kcp's names", () => {
  it('the syncer id hashes the SyncTarget uid as kcp does (ground-truth/syncer.yaml.redacted)', () => {
    expect(syncerId('phys', '9a5bdde9-8da5-4175-aa87-461557b2c290')).toBe('kcp-syncer-phys-17oz4k0x');
  });

  it('the default image is the published repository tagged with the package version', () => {
    expect(AGENT_IMAGE_REPOSITORY).toBe('ghcr.io/kcp-tmc/syncer-agent');
    expect(agentImage('1.2.3')).toBe('ghcr.io/kcp-tmc/syncer-agent:1.2.3');
  });
});
