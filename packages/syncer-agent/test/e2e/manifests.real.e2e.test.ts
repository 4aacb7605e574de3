// Acceptance of `syncer-agent manifests` as a new user runs it: real kcp v0.11 upstream (the manifests create the
// SyncTarget and kcp's syncer ServiceAccount, ClusterRole and binding there), a real kube-apiserver downstream
// (every rendered object but the Deployment applied as is), and the built agent run as a process with exactly
// the rendered credentials: upstream the kubeconfig from the rendered Secret, downstream a token of the rendered
// ServiceAccount (the process is not in a pod, so the TokenRequest API mints what the kubelet would mount).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '@kcp-tmc/interfaces';
import {
  bindCompute,
  createObjects,
  type ManifestObject,
  type RealKcp,
  type RealKcpWorkspace,
  type RealKubeApiserver,
  realRequest,
  startRealKcp,
  startRealKubeApiserver,
  waitForNamespaceState,
  waitForSyncedResources,
} from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { tokenKubeconfig } from '../../src/manifests/kubeconfig.js';
import { realKcpRuns } from './kcp-real-support.js';
import { type AgentProcess, CLI, spawnAgent, started, waitFor } from './support.js';

const canRun = await realKcpRuns('the manifests acceptance on real kcp');

const TIMEOUT = 10 * 60_000;
const RESOURCES = ['deployments.apps', 'services'];
const run = promisify(execFile);

describe.runIf(canRun)('manifests on real kcp v0.11 and a real kube-apiserver', () => {
  let kcp: RealKcp;
  let downstream: RealKubeApiserver;
  let workspace: RealKcpWorkspace;
  let objects: KubeObject[];
  let agent: AgentProcess | undefined;
  const up = (method: string, path: string, body?: unknown) =>
    kcp.request(method, `/clusters/${workspace.path}${path}`, body);
  const down = (method: string, path: string, body?: unknown) => realRequest(downstream, method, path, body);
  /** A rendered object named by the syncer id (the ServiceAccount's `-token` Secret is not). */
  const rendered = (kind: string) => {
    const id = objects.find((o) => o.kind === 'Deployment')?.metadata.name;
    return objects.find((o) => o.kind === kind && o.metadata.name === id);
  };
  beforeAll(async () => {
    [kcp, downstream] = await Promise.all([startRealKcp(), startRealKubeApiserver()]);
    workspace = await kcp.createWorkspace('org');
  }, TIMEOUT);
  afterAll(async () => {
    agent?.child.kill('SIGKILL');
    await Promise.all([kcp?.stop(), downstream?.stop()]);
  });

  /** The agent as the rendered Deployment runs it, with files for the Secret and the pod's ServiceAccount. */
  async function startAgent(name: string): Promise<AgentProcess> {
    const deployment = rendered('Deployment') as KubeObject;
    const namespace = deployment.metadata.namespace as string;
    const id = deployment.metadata.name as string;
    const upstreamKubeconfig = join(kcp.dir, `${name}-upstream.kubeconfig`);
    writeFileSync(
      upstreamKubeconfig,
      ((rendered('Secret') as KubeObject).stringData as { kubeconfig: string }).kubeconfig,
    );
    const minted = await down('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${id}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    });
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    const token = (minted.body as { status: { token: string } }).status.token;
    const downstreamKubeconfig = join(kcp.dir, `${name}-downstream.kubeconfig`);
    writeFileSync(
      downstreamKubeconfig,
      tokenKubeconfig(
        { server: downstream.url, caData: Buffer.from(downstream.caCertPem).toString('base64') },
        token,
        namespace,
      ),
    );
    const container = (deployment.spec as { template: { spec: { containers: Array<{ args: string[] }> } } })
      .template.spec.containers[0] as { args: string[] };
    // The pod's paths and listen addresses become this machine's; every other argument is the rendered one.
    const args = container.args
      .filter((a) => !/^--(from-kubeconfig|metrics-bind-address|health-probe-bind-address)=/.test(a))
      .concat([
        `--from-kubeconfig=${upstreamKubeconfig}`,
        `--to-kubeconfig=${downstreamKubeconfig}`,
        '--metrics-bind-address=127.0.0.1:0',
        '--health-probe-bind-address=127.0.0.1:0',
      ]);
    return spawnAgent(args, { NAMESPACE: namespace });
  }

  it(
    'renders objects that sync every requested resource with the rendered credentials only',
    async () => {
      const { stdout, stderr } = await run(
        process.execPath,
        [
          CLI,
          'manifests',
          `--from-kubeconfig=${workspace.kubeconfigPath}`,
          `--from-cluster=${workspace.path}`,
          '--sync-target-name=phys',
          `--resources=${RESOURCES.join(',')}`,
          // A kube >= 1.27 downstream is Incompatible with root:compute's schemas: the workspace-local export only.
          '--apiexports=',
        ],
        { timeout: 120_000 },
      ).catch((e: { stderr?: string; message: string }) => {
        throw new Error(`manifests failed: ${e.stderr ?? e.message}`);
      });
      objects = parseAllDocuments(stdout).map((d) => d.toJS() as KubeObject);
      expect(stderr).toContain('Creating synctarget "phys"');
      // Upstream: kcp's ServiceAccount, and its ClusterRole allows `sync` on this SyncTarget only.
      const id = rendered('Deployment')?.metadata.name as string;
      const role = await up('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${id}`);
      expect((role.body as { rules: unknown[] }).rules).toContainEqual(
        expect.objectContaining({ verbs: ['sync'], resourceNames: ['phys'] }),
      );
      await createObjects(
        downstream,
        objects.filter((o) => o.kind !== 'Deployment') as unknown as ManifestObject[],
      );

      agent = await startAgent('first');
      const endpoints = await started(agent, 120_000);
      const running = agent;
      const alive = async <T>(what: string, work: () => Promise<T>): Promise<T> =>
        work().catch((e: Error) => {
          throw new Error(`${what}: ${e.message}\n--- agent ---\n${running.stderr().slice(-6000)}`);
        });
      await alive('syncedResources', () => waitForSyncedResources(kcp, workspace, 'phys', RESOURCES));
      await alive('bind compute', () => bindCompute(kcp, workspace));
      const st = await up('GET', '/apis/workload.kcp.io/v1alpha1/synctargets/phys');
      const key = (st.body as KubeObject).metadata.labels?.['internal.workload.kcp.io/key'] as string;
      await alive('placement', () => waitForNamespaceState(up, 'default', key, 'Sync', 120_000));

      const app: Array<[string, KubeObject]> = [
        [
          '/api/v1/namespaces/default/configmaps',
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } },
        ],
        [
          '/api/v1/namespaces/default/services',
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
        ],
        [
          '/apis/apps/v1/namespaces/default/deployments',
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web' },
            spec: {
              selector: { matchLabels: { app: 'web' } },
              template: {
                metadata: { labels: { app: 'web' } },
                spec: { containers: [{ name: 'web', image: 'nginx' }] },
              },
            },
          },
        ],
      ];
      for (const [path, object] of app) {
        // The APIBinding takes a moment to serve the bound resources.
        await alive(`create ${object.kind}`, () =>
          waitFor(
            async () => [201, 409].includes((await up('POST', path, object)).status),
            `${object.kind} created`,
            60_000,
          ),
        );
      }
      const selector = encodeURIComponent(`internal.workload.kcp.io/cluster=${key}`);
      for (const path of ['/api/v1/configmaps', '/api/v1/services', '/apis/apps/v1/deployments']) {
        await alive(`${path} downstream`, () =>
          waitFor(
            async () => {
              const list = await down('GET', `${path}?labelSelector=${selector}`);
              return ((list.body as { items?: KubeObject[] }).items ?? []).some(
                (o) => o.metadata.name === 'web',
              );
            },
            `${path} web downstream`,
            120_000,
          ),
        );
      }
      // Nothing the agent should sync is left out: ready.
      const ready = await fetch(`${endpoints.probes}/readyz`);
      expect(ready.status, await ready.text()).toBe(200);
      // Nothing the agent asked for was refused, on either side: the rendered RBAC is all it needs.
      expect(
        agent.logs().filter((l) => / denies |missing downstream permission/.test(String(l.msg))),
      ).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'with one permission removed from the rendered ClusterRole, /readyz fails and the log names it',
    async () => {
      expect(objects, 'the first test rendered the manifests').toBeDefined();
      agent?.child.kill('SIGTERM');
      await agent?.exited;
      const role = structuredClone(rendered('ClusterRole') as KubeObject);
      const rules = role.rules as Array<{ apiGroups: string[]; verbs: string[] }>;
      const apps = rules.find((r) => r.apiGroups[0] === 'apps') as { verbs: string[] };
      apps.verbs = apps.verbs.filter((v) => v !== 'watch');
      const live = await down('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}`);
      const updated = await down(
        'PUT',
        `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}`,
        {
          ...role,
          metadata: {
            ...role.metadata,
            resourceVersion: (live.body as KubeObject).metadata.resourceVersion,
          },
        },
      );
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);

      agent = await startAgent('second');
      const endpoints = await started(agent, 120_000);
      const running = agent;
      await waitFor(
        () => running.logs().some((l) => l.msg === 'missing downstream permission: resource not synced'),
        'the missing-permission warning',
        60_000,
      );
      const warning = running
        .logs()
        .find((l) => l.msg === 'missing downstream permission: resource not synced');
      expect(warning).toMatchObject({ side: 'downstream', gvr: 'apps/v1/deployments' });
      expect(String(warning?.level)).toMatch(/warn/i);
      expect(String(warning?.reason)).toContain('denied verb "watch"');
      expect(String(warning?.reason)).toContain('grant verbs watch on deployments.apps');
      const ready = await fetch(`${endpoints.probes}/readyz?verbose`);
      const body = await ready.text();
      expect(ready.status, body).not.toBe(200);
      expect(body).toContain('apps/v1/deployments');
    },
    TIMEOUT,
  );
});
