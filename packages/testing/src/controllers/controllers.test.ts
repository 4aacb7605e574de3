import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RawClient } from '../conformance/client.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';

const NS = 'default';
const deploy = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
    },
  },
});

// biome-ignore lint/suspicious/noExplicitAny: raw JSON
type Json = any;

describe('fake controllers', () => {
  let sim: KubeSimulator;
  let client: RawClient;
  const pods = async (app: string): Promise<Json[]> =>
    (await client.get(`/api/v1/namespaces/${NS}/pods`, { labelSelector: `app=${app}` })).json.items;

  beforeAll(async () => {
    sim = await startKubeSimulator({ controllers: { podReadyDelayMs: 20, logIntervalMs: 50 } });
    client = new RawClient(sim.kubeconfig);
  });
  afterAll(() => sim.stop());

  it('runs a Deployment: ReplicaSet, Running and Ready pods, Deployment status following', async () => {
    expect((await client.post(`/apis/apps/v1/namespaces/${NS}/deployments`, deploy('web', 2))).status).toBe(
      201,
    );
    const d = await eventually(
      async () => {
        const got = (await client.get(`/apis/apps/v1/namespaces/${NS}/deployments/web`)).json;
        return got.status?.readyReplicas === 2 ? got : undefined;
      },
      10_000,
      'deployment ready',
    );
    expect(d.status).toMatchObject({
      replicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
    });
    expect(d.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Available', status: 'True' }),
    );
    const rs = (await client.get(`/apis/apps/v1/namespaces/${NS}/replicasets`, { labelSelector: 'app=web' }))
      .json.items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      uid: d.metadata.uid,
      controller: true,
    });
    const running = await pods('web');
    expect(running).toHaveLength(2);
    for (const p of running) {
      expect(p.status.phase).toBe('Running');
      expect(p.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
      expect(p.status.podIP).toMatch(/^10\.244\./);
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: rs[0].metadata.name });
    }
  });

  it('follows scaling and template changes', async () => {
    const d = (await client.get(`/apis/apps/v1/namespaces/${NS}/deployments/web`)).json;
    d.spec.replicas = 1;
    d.spec.template.spec.containers[0].image = 'nginx:1.28';
    expect((await client.put(`/apis/apps/v1/namespaces/${NS}/deployments/web`, d)).status).toBe(200);
    await eventually(
      async () => {
        const p = await pods('web');
        return (
          p.length === 1 && p[0].spec.containers[0].image === 'nginx:1.28' && p[0].status.phase === 'Running'
        );
      },
      10_000,
      'rolled to one new pod',
    );
    const got = await eventually(
      async () => {
        const x = (await client.get(`/apis/apps/v1/namespaces/${NS}/deployments/web`)).json;
        return x.status?.observedGeneration === 2 && x.status?.replicas === 1 ? x : undefined;
      },
      10_000,
      'status observed generation 2',
    );
    expect(got.status.readyReplicas).toBe(1);
  });

  it('serves pod logs (tailLines, follow) and records kubelet Events', async () => {
    const [pod] = await pods('web');
    const path = `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/log`;
    const log = await client.get(path);
    expect(log.status).toBe(200);
    expect(log.text).toContain('starting container main (image nginx:1.28)');
    const tail = await client.get(path, { tailLines: 1 });
    expect(tail.text.trim().split('\n')).toHaveLength(1);
    expect((await client.get(path, { container: 'nope' })).status).toBe(400);
    const controller = new AbortController();
    const chunks: string[] = [];
    const { fetch } = await import('undici');
    const res = await fetch(client.url(path, { follow: true, tailLines: 0 }), { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    while (!chunks.join('').includes('heartbeat')) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value));
    }
    controller.abort();
    expect(chunks.join('')).toMatch(/heartbeat \d+/);
    const events = await client.get(`/api/v1/namespaces/${NS}/events`, {
      fieldSelector: `involvedObject.name=${pod.metadata.name}`,
    });
    const reasons = events.json.items.map((e: { reason: string }) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']));
    expect(
      events.json.items.find((e: { reason: string }) => e.reason === 'Started').involvedObject,
    ).toMatchObject({ kind: 'Pod', uid: pod.metadata.uid, fieldPath: 'spec.containers{main}' });
  });

  it('completes Jobs', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: {
        completions: 2,
        parallelism: 1,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox' }] } },
      },
    };
    expect((await client.post(`/apis/batch/v1/namespaces/${NS}/jobs`, job)).status).toBe(201);
    const done = await eventually(
      async () => {
        const j = (await client.get(`/apis/batch/v1/namespaces/${NS}/jobs/once`)).json;
        return j.status?.conditions?.some(
          (c: { type: string; status: string }) => c.type === 'Complete' && c.status === 'True',
        )
          ? j
          : undefined;
      },
      10_000,
      'job complete',
    );
    expect(done.status).toMatchObject({ succeeded: 2 });
    expect(done.status.completionTime).toBeTruthy();
    const jobPods = (await client.get(`/api/v1/namespaces/${NS}/pods`, { labelSelector: 'job-name=once' }))
      .json.items;
    expect(jobPods.map((p: { status: { phase: string } }) => p.status.phase)).toEqual([
      'Succeeded',
      'Succeeded',
    ]);
  });

  it('garbage-collects dependents, in the background and in the foreground', async () => {
    expect((await client.post(`/apis/apps/v1/namespaces/${NS}/deployments`, deploy('bg', 1))).status).toBe(
      201,
    );
    await eventually(async () => (await pods('bg')).length === 1, 10_000, 'bg pod');
    expect((await client.delete(`/apis/apps/v1/namespaces/${NS}/deployments/bg`)).status).toBe(200);
    await eventually(async () => (await pods('bg')).length === 0, 10_000, 'bg pods collected');
    expect(
      (await client.get(`/apis/apps/v1/namespaces/${NS}/replicasets`, { labelSelector: 'app=bg' })).json
        .items,
    ).toHaveLength(0);

    expect((await client.post(`/apis/apps/v1/namespaces/${NS}/deployments`, deploy('fg', 1))).status).toBe(
      201,
    );
    await eventually(async () => (await pods('fg')).length === 1, 10_000, 'fg pod');
    const del = await client.delete(`/apis/apps/v1/namespaces/${NS}/deployments/fg`, {
      propagationPolicy: 'Foreground',
    });
    expect(del.json.metadata.finalizers).toContain('foregroundDeletion');
    await eventually(
      async () => (await client.get(`/apis/apps/v1/namespaces/${NS}/deployments/fg`)).status === 404,
      10_000,
      'fg owner removed',
    );
    expect(await pods('fg')).toHaveLength(0);
  });

  it('orphans dependents with propagationPolicy=Orphan', async () => {
    expect((await client.post(`/apis/apps/v1/namespaces/${NS}/deployments`, deploy('orph', 1))).status).toBe(
      201,
    );
    await eventually(async () => (await pods('orph')).length === 1, 10_000, 'orph pod');
    await client.delete(`/apis/apps/v1/namespaces/${NS}/deployments/orph`, { propagationPolicy: 'Orphan' });
    await eventually(
      async () => (await client.get(`/apis/apps/v1/namespaces/${NS}/deployments/orph`)).status === 404,
      10_000,
      'owner gone',
    );
    const rs = (await client.get(`/apis/apps/v1/namespaces/${NS}/replicasets`, { labelSelector: 'app=orph' }))
      .json.items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences ?? []).toEqual([]);
  });

  it('cascades namespace deletion', async () => {
    expect((await client.post('/api/v1/namespaces', { metadata: { name: 'doomed' } })).status).toBe(201);
    expect(
      (await client.post('/apis/apps/v1/namespaces/doomed/deployments', deploy('inside', 1))).status,
    ).toBe(201);
    expect(
      (
        await client.post('/api/v1/namespaces/doomed/configmaps', {
          metadata: { name: 'cm', finalizers: [] },
        })
      ).status,
    ).toBe(201);
    await eventually(
      async () => (await client.get('/api/v1/namespaces/doomed/pods')).json.items.length === 1,
      10_000,
      'pod in namespace',
    );
    expect((await client.delete('/api/v1/namespaces/doomed')).json.status.phase).toBe('Terminating');
    await eventually(
      async () => (await client.get('/api/v1/namespaces/doomed')).status === 404,
      10_000,
      'namespace removed',
    );
    expect((await client.get('/api/v1/namespaces/doomed/configmaps/cm')).status).toBe(404);
  });
});
