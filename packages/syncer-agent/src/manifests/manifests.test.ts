import type { KubeObject, SyncTarget } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { CliIO } from '../cli/io.js';
import { main } from '../cli/main.js';

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

const PATHS: Record<string, (o: KubeObject) => string> = {
  Namespace: () => '/api/v1/namespaces',
  ServiceAccount: (o) => `/api/v1/namespaces/${o.metadata.namespace}/serviceaccounts`,
  Secret: (o) => `/api/v1/namespaces/${o.metadata.namespace}/secrets`,
  ClusterRole: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  Deployment: (o) => `/apis/apps/v1/namespaces/${o.metadata.namespace}/deployments`,
};

describe('syncer-agent manifests', () => {
  let upstream: KubeSimulator;
  let downstream: KubeSimulator;
  beforeAll(async () => {
    upstream = await startKubeSimulator({ kcp: { clusters: ['root:org'] } });
    downstream = await startKubeSimulator();
  });
  afterAll(async () => {
    await Promise.all([upstream.stop(), downstream.stop()]);
  });

  const args = () => [
    'manifests',
    `--from-kubeconfig=${upstream.kubeconfigPath}`,
    '--from-cluster=root:org',
    '--sync-target-name=east',
    '--resources=deployments.apps',
    '--image=registry.example/syncer:1',
  ];

  it('fails without the SyncTarget unless asked to create it', async () => {
    const t = capture();
    expect(await main(args(), t.io)).toBe(1);
    expect(t.err()).toContain('SyncTarget "east" not found (pass --create-sync-target to create it)');
  });

  it('ensures the SyncTarget and prints YAML that applies cleanly downstream', async () => {
    const t = capture();
    expect(await main([...args(), '--create-sync-target'], t.io)).toBe(0);
    const st = (await (
      await fetch(`${upstream.url}/clusters/root:org/apis/workload.kcp.io/v1alpha1/synctargets/east`)
    ).json()) as SyncTarget;
    expect(st.metadata.uid).toEqual(expect.any(String));

    const objects = parseAllDocuments(t.out())
      .map((d) => d.toJS() as KubeObject)
      .filter(Boolean);
    expect(objects.map((o) => o.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Secret',
      'Deployment',
    ]);
    const [ns, , role, , secret, deployment] = objects as [
      KubeObject,
      KubeObject,
      KubeObject,
      KubeObject,
      KubeObject,
      KubeObject,
    ];
    expect(ns.metadata.name).toMatch(/^kcp-syncer-east-[0-9a-f]{8}$/);

    const rules = role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
    expect(rules).toContainEqual(
      expect.objectContaining({ apiGroups: ['apps'], resources: ['deployments'] }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ apiGroups: [''], resources: ['configmaps', 'secrets'] }),
    );
    // Least privilege: no wildcards, and no pod access without the Tunnel gate.
    for (const rule of rules) {
      expect(rule.resources).not.toContain('*');
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('pods/exec');
    }

    const kubeconfig = parseYaml((secret.stringData as { kubeconfig: string }).kubeconfig) as {
      clusters: Array<{ cluster: { server: string } }>;
      contexts: unknown[];
    };
    expect(kubeconfig.contexts).toHaveLength(1);
    expect(kubeconfig.clusters[0]?.cluster.server).toContain(upstream.url);

    const spec = deployment.spec as {
      strategy: { type: string };
      template: { spec: { containers: Array<Record<string, unknown> & { args: string[] }> } };
    };
    expect(spec.strategy.type).toBe('Recreate');
    const container = spec.template.spec.containers[0] as Record<string, unknown> & { args: string[] };
    expect(container.image).toBe('registry.example/syncer:1');
    expect(container.args).toContain(`--sync-target-uid=${st.metadata.uid}`);
    expect(container.args).toContain('--resources=apps/v1/deployments');
    expect(container.args).toContain('--metrics-bind-address=0.0.0.0:8080');
    expect(container).toHaveProperty('livenessProbe.httpGet.path', '/livez');
    expect(container).toHaveProperty('readinessProbe.httpGet.path', '/readyz');
    // The V8 heap is sized for the container's memory limit.
    expect(container).toHaveProperty('resources.limits.memory', '512Mi');
    expect(container.env).toEqual([
      { name: 'NODE_OPTIONS', value: '--max-old-space-size=256 --max-semi-space-size=8' },
    ]);

    for (const object of objects) {
      const res = await fetch(`${downstream.url}${PATHS[object.kind as string]?.(object)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(object),
      });
      expect(res.status, `${object.kind} ${await res.clone().text()}`).toBe(201);
    }
  });

  it('manifests --help', async () => {
    const t = capture();
    expect(await main(['manifests', '--help'], t.io)).toBe(0);
    expect(t.out()).toContain('Usage: syncer-agent manifests');
  });
});
