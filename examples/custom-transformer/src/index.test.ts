import { DEFAULT_FEATURE_GATES, ResourceStateValue, stateLabel, toSyncTargetKey } from '@kcp-tmc/interfaces';
import { type Agent, createAgent } from '@kcp-tmc/syncer-agent';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COST_CENTER_LABEL, CostCenterTransformer, costCenterModule } from './index.js';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function eventually<T>(
  read: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('CostCenterTransformer alone', () => {
  it('labels down, leaves objects going up alone', () => {
    const t = new CostCenterTransformer();
    const object = { metadata: { name: 'a', annotations: { 'example.com/cost-center': 'cc-7' } } };
    const down = { direction: 'down' } as never;
    expect(t.shouldTransform(object, down)).toBe(true);
    expect(t.shouldTransform(object, { direction: 'up' } as never)).toBe(false);
    expect(t.transform(structuredClone(object)).metadata.labels).toEqual({ [COST_CENTER_LABEL]: 'cc-7' });
  });
});

describe('the agent with the cost-center module', () => {
  let upstream: KubeSimulator;
  let downstream: KubeSimulator;
  let agent: Agent;
  const key = toSyncTargetKey('default', 'edge');

  beforeAll(async () => {
    upstream = await startKubeSimulator();
    downstream = await startKubeSimulator();
    await post(`${upstream.url}/apis/workload.kcp.io/v1alpha1/synctargets`, {
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      metadata: { name: 'edge' },
    });
    agent = await createAgent(
      {
        fromKubeconfig: upstream.kubeconfigPath,
        toKubeconfig: downstream.kubeconfigPath,
        syncTargetName: 'edge',
        upstreamMode: 'plain',
        resources: [],
        qps: 100,
        burst: 100,
        downstreamNamespaceCleanDelayMs: 30_000,
        featureGates: DEFAULT_FEATURE_GATES,
        metricsBindAddress: null,
        healthProbeBindAddress: null,
        workers: 2,
        heartbeatPeriodMs: 5_000,
        shutdownTimeoutMs: 2_000,
        verbosity: 0,
      },
      { extraModules: [costCenterModule] },
    );
    await agent.start();
  });

  afterAll(async () => {
    await agent?.stop();
    await Promise.all([upstream?.stop(), downstream?.stop()]);
  });

  it('labels synced objects and keeps drafts upstream', async () => {
    const labels = { [stateLabel(key)]: ResourceStateValue.Sync };
    const cm = (name: string, annotations: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels, annotations },
      data: { a: '1' },
    });
    await post(
      `${upstream.url}/api/v1/namespaces/default/configmaps`,
      cm('billing', { 'example.com/cost-center': 'cc-7' }),
    );
    await post(
      `${upstream.url}/api/v1/namespaces/default/configmaps`,
      cm('draft', { 'example.com/draft': 'true' }),
    );
    // A later object proves the draft was not merely slow.
    await post(`${upstream.url}/api/v1/namespaces/default/configmaps`, cm('after', {}));

    const list = async (name: string) => {
      const res = await fetch(`${downstream.url}/api/v1/configmaps?fieldSelector=metadata.name%3D${name}`);
      const items = (
        (await res.json()) as { items: Array<{ metadata: { labels?: Record<string, string> } }> }
      ).items;
      return items.length > 0 ? items : undefined;
    };
    const [billing] = await eventually(() => list('billing'), 'billing downstream');
    expect(billing?.metadata.labels?.[COST_CENTER_LABEL]).toBe('cc-7');
    await eventually(() => list('after'), 'after downstream');
    expect(await list('draft')).toBeUndefined();
  });
});
