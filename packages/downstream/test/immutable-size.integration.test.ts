import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject, parseGvr, TmcErrorType } from '@kcp-tmc/interfaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workload } from './support/fixtures.js';
import {
  type Agent,
  downstreamGet,
  type Sims,
  startAgent,
  startSims,
  WORKLOAD_CLUSTERS,
} from './support/stack.js';
import { eventually } from './support/wait.js';

const CONFIGMAPS = parseGvr('v1/configmaps');
const SECRETS = parseGvr('v1/secrets');
const NS = 'team';
const CLUSTER = WORKLOAD_CLUSTERS[0] as string;
/** A small limit, so an over-limit object is still one the upstream server accepts (its own limit is 1.5 MiB). */
const MAX_OBJECT_BYTES = 64 * 1024;

describe('immutable ConfigMaps/Secrets and the size limit against the simulator', () => {
  let sims: Sims;
  let agent: Agent | undefined;
  const downstreamNs = () => sims.downstreamNamespace(CLUSTER, NS);
  const scope = { cluster: CLUSTER, namespace: NS };
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  const immutableConfigMap = (value: string): KubeObject => {
    const cm = workload('ConfigMap', NS, 'frozen', sims.ref.key);
    return { ...cm, immutable: true, data: { key: value } };
  };
  const immutableSecret = (value: string): KubeObject => {
    const secret = workload('Secret', NS, 'sealed', sims.ref.key);
    return { ...secret, immutable: true, stringData: { key: value } };
  };
  /** Deletes upstream and takes our finalizer off by hand, as if done while the agent was away. */
  const purgeUpstream = async (gvr: typeof CONFIGMAPS, name: string) => {
    await sims.upstreamClient.delete(gvr, { ...scope, name });
    const terminating = await sims.upstreamClient.get(gvr, { ...scope, name }).catch(() => undefined);
    if (terminating !== undefined) {
      await sims.upstreamClient.update(
        gvr,
        { ...terminating, metadata: { ...terminating.metadata, finalizers: [] } },
        scope,
      );
    }
    await eventually(
      async () =>
        (await sims.upstreamClient.get(gvr, { ...scope, name }).catch(() => undefined)) === undefined,
      10_000,
      `upstream ${name} gone`,
    );
  };

  beforeAll(async () => {
    sims = await startSims();
    await sims.placeNamespace(CLUSTER, NS);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await sims?.stop();
  });

  it('recreates an immutable ConfigMap and Secret whose data changed upstream (new uid, new data)', async () => {
    agent = await startAgent(sims, { maxObjectBytes: MAX_OBJECT_BYTES });
    await sims.upstreamClient.create(CONFIGMAPS, immutableConfigMap('v1'), scope);
    await sims.upstreamClient.create(SECRETS, immutableSecret('v1'), scope);
    let oldCm: KubeObject | undefined;
    let oldSecret: KubeObject | undefined;
    await eventually(
      async () => {
        oldCm = await downstreamGet(sims, CONFIGMAPS, downstreamNs(), 'frozen');
        oldSecret = await downstreamGet(sims, SECRETS, downstreamNs(), 'sealed');
        return oldCm !== undefined && oldSecret !== undefined;
      },
      20_000,
      'immutable objects downstream',
    );
    expect(oldCm?.immutable).toBe(true);
    expect(oldSecret?.immutable).toBe(true);

    // An immutable object's data cannot change in place upstream either: it is replaced while the agent is away.
    await agent.stop();
    agent = undefined;
    await purgeUpstream(CONFIGMAPS, 'frozen');
    await purgeUpstream(SECRETS, 'sealed');
    await sims.upstreamClient.create(CONFIGMAPS, immutableConfigMap('v2'), scope);
    await sims.upstreamClient.create(SECRETS, immutableSecret('v2'), scope);
    agent = await startAgent(sims, { maxObjectBytes: MAX_OBJECT_BYTES });

    await eventually(
      async () => {
        const cm = await downstreamGet(sims, CONFIGMAPS, downstreamNs(), 'frozen');
        const secret = await downstreamGet(sims, SECRETS, downstreamNs(), 'sealed');
        return (
          (cm?.data as Record<string, string> | undefined)?.key === 'v2' &&
          (secret?.data as Record<string, string> | undefined)?.key === b64('v2')
        );
      },
      20_000,
      'immutable objects recreated downstream',
    );
    const cm = (await downstreamGet(sims, CONFIGMAPS, downstreamNs(), 'frozen')) as KubeObject;
    const secret = (await downstreamGet(sims, SECRETS, downstreamNs(), 'sealed')) as KubeObject;
    expect(cm.metadata.uid).not.toBe(oldCm?.metadata.uid);
    expect(secret.metadata.uid).not.toBe(oldSecret?.metadata.uid);
    expect(cm.immutable).toBe(true);
    expect(secret.immutable).toBe(true);
    expect(cm.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL]).toBe(sims.ref.key);
    // Replaced through delete + create (uid precondition), without a rejected in-place write.
    const stats = sims.downstream.stats();
    expect(stats.byResource.configmaps?.delete).toBe(1);
    expect(stats.byResource.secrets?.delete).toBe(1);
    const failed = agent.syncer.applied.filter((a) => !a.result.success);
    expect(failed).toEqual([]);
  }, 30_000);

  it('reports an object over the size limit as Invalid and does not retry it', async () => {
    const running = agent ?? (await startAgent(sims, { maxObjectBytes: MAX_OBJECT_BYTES }));
    agent = running;
    const big = workload('ConfigMap', NS, 'big', sims.ref.key);
    big.data = { blob: 'x'.repeat(MAX_OBJECT_BYTES + 1024) };
    const writesBefore = sims.downstream.stats().byResource.configmaps ?? {};
    await sims.upstreamClient.create(CONFIGMAPS, big, scope);
    const isBig = (a: Agent['syncer']['applied'][number]) =>
      a.request.item.key.gvr.resource === 'configmaps' && a.request.item.key.name === 'big';
    await eventually(() => running.syncer.applied.some(isBig), 20_000, 'apply of the big configmap');

    // A later object synced end to end: the queue had time to retry the big one had it been retryable.
    await sims.upstreamClient.create(CONFIGMAPS, workload('ConfigMap', NS, 'after', sims.ref.key), scope);
    await eventually(
      async () => (await downstreamGet(sims, CONFIGMAPS, downstreamNs(), 'after')) !== undefined,
      20_000,
      'later configmap downstream',
    );

    const attempts = running.syncer.applied.filter(isBig);
    expect(attempts).toHaveLength(1);
    const [attempt] = attempts;
    expect(attempt?.result.success).toBe(false);
    expect(attempt?.result.error?.type).toBe(TmcErrorType.Invalid);
    expect(attempt?.result.error?.retryable).toBe(false);
    expect(attempt?.result.conflicts.map((c) => c.kind)).toEqual(['size-limit']);
    expect(await downstreamGet(sims, CONFIGMAPS, downstreamNs(), 'big')).toBeUndefined();
    // The only configmap write downstream since is the later object's (server-side apply) create.
    const writesAfter = sims.downstream.stats().byResource.configmaps ?? {};
    const delta = (verb: string) => (writesAfter[verb] ?? 0) - (writesBefore[verb] ?? 0);
    expect(delta('create') + delta('patch') + delta('update') + delta('delete')).toBe(1);
  }, 30_000);
});
