// The real-kcp harness itself: kcp v0.11 starts, a workspace is created, and `kubectl kcp workload sync` generates
// what a user would deploy, split into the parts the suites use. Skips only where Go is missing (never in CI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realKcpUnavailable } from './binaries.js';
import { type RealKcp, type RealKcpWorkspace, startRealKcp } from './kcp.js';
import { type GeneratedSyncer, workloadSync } from './kcp-workload.js';

const unavailable = await realKcpUnavailable();
if (unavailable) console.warn(`skipping the real-kcp harness suite: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('startRealKcp (kcp v0.11 from tools/kcp-bins)', () => {
  let kcp: RealKcp;
  let workspace: RealKcpWorkspace;
  let generated: GeneratedSyncer;

  beforeAll(async () => {
    kcp = await startRealKcp();
    workspace = await kcp.createWorkspace('org');
    generated = await workloadSync(kcp, workspace, 'phys', {
      args: ['--downstream-namespace-clean-delay=5s'],
    });
  }, 300_000);

  afterAll(async () => {
    await kcp?.stop();
  }, 60_000);

  it('serves the workspace under its logical-cluster name and its path', async () => {
    expect(workspace.path).toBe('root:org');
    expect(workspace.cluster).toMatch(/^[a-z0-9]+$/);
    const byName = await kcp.request('GET', `/clusters/${workspace.cluster}/api/v1/namespaces/default`);
    const byPath = await kcp.request('GET', `/clusters/${workspace.path}/api/v1/namespaces/default`);
    expect(byName.status).toBe(200);
    expect(byPath.status).toBe(200);
  });

  it('generates the syncer arguments kcp runs its syncer with', async () => {
    expect(generated.syncTargetCluster).toBe(workspace.cluster);
    expect(generated.syncerNamespace).toMatch(/^kcp-syncer-phys-[a-z0-9]{8}$/);
    expect(generated.args).toEqual(
      expect.arrayContaining([
        '--sync-target-name=phys',
        `--sync-target-uid=${generated.syncTargetUid}`,
        `--from-cluster=${workspace.cluster}`,
        '--resources=deployments.apps',
        '--resources=services',
        '--downstream-namespace-clean-delay=5s',
      ]),
    );
    expect(generated.args.some((a) => a.startsWith('--from-kubeconfig'))).toBe(false);
    const kinds = generated.downstreamObjects.map((o) => o.kind).sort();
    expect(kinds).toEqual(
      expect.arrayContaining(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'Secret']),
    );
  });

  it('creates the SyncTarget with its key label and the syncer virtual workspace URL', async () => {
    const st = await kcp.request(
      'GET',
      `/clusters/${workspace.path}/apis/workload.kcp.io/v1alpha1/synctargets/phys`,
    );
    const body = st.body as {
      metadata: { uid: string; labels?: Record<string, string> };
      status?: { virtualWorkspaces?: Array<{ syncerURL: string }> };
    };
    expect(body.metadata.uid).toBe(generated.syncTargetUid);
    expect(body.metadata.labels?.['internal.workload.kcp.io/key']).toMatch(/^[0-9A-Za-z]+$/);
    expect(body.status?.virtualWorkspaces?.[0]?.syncerURL).toBe(
      `${kcp.url}/services/syncer/${workspace.cluster}/phys/${generated.syncTargetUid}`,
    );
  });
});
