import {
  DEFAULT_DOWNSTREAM_CONFIG,
  DOWNSTREAM_CONFIG,
  isTransformSkip,
  type KubeClient,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  NAMESPACE_LOCATOR_LOOKUP,
  namespaceLocator,
  namespaceLocatorToJson,
  type PipelineOutcome,
  RESOURCE_TRANSFORMER,
  type ResourceTransformer,
  SYNC_FILTER,
  SYNC_TARGET,
  type SyncFilter,
  TRANSFORMATION_PIPELINE,
  type TransformationPipeline,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { container, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import {
  configmaps,
  context,
  deployments,
  KCP_TEST_NAMESPACE,
  KCP_TEST_SYNC_TARGET_KEY,
  syncTarget,
  upstreamDeployment,
} from '../test/support/fixtures.js';
import { DefaultTransformerNames } from './names.js';
import { NamespaceLocatorIndex } from './namespace-index.js';
import { DefaultTransformationPipeline } from './pipeline.js';
import { DEFAULT_FILTERS, DEFAULT_TRANSFORMERS, registerTransformation } from './register.js';
import { UPSTREAM_SECRET_LISTER, UPSTREAM_SERVER_URL, type UpstreamSecretLister } from './tokens.js';
import { ClientSecretLister } from './transformers/service-account-token.js';

function objectOf(outcome: PipelineOutcome): KubeObject {
  if (isTransformSkip(outcome)) throw new Error(`skipped by ${outcome.by}: ${outcome.reason}`);
  return outcome.object;
}

function pipelineIn(options: Parameters<typeof registerTransformation>[1] = {}) {
  const child = container.createChildContainer();
  registerTransformation(child, options);
  return { child, pipeline: child.resolve<TransformationPipeline>(TRANSFORMATION_PIPELINE) };
}

describe('registerTransformation', () => {
  it('binds the defaults in order and one pipeline per container, leaving the root container alone', () => {
    const { child, pipeline } = pipelineIn();
    expect(pipeline).toBeInstanceOf(DefaultTransformationPipeline);
    expect(pipeline.transformers().map((t) => t.name)).toEqual(DEFAULT_TRANSFORMERS.map(([name]) => name));
    expect(child.resolve(TRANSFORMATION_PIPELINE)).toBe(pipeline);
    expect(child.resolveAll<SyncFilter>(SYNC_FILTER)).toEqual(DEFAULT_FILTERS);
    expect(container.isRegistered(TRANSFORMATION_PIPELINE)).toBe(false);
    const sibling = container.createChildContainer();
    registerTransformation(sibling);
    expect(sibling.resolve(TRANSFORMATION_PIPELINE)).not.toBe(pipeline);
  });

  it('leaves out excluded defaults and the filters on request, and rejects unknown names', () => {
    const { child, pipeline } = pipelineIn({ exclude: [DefaultTransformerNames.PodSpec], filters: false });
    expect(pipeline.transformers().map((t) => t.name)).not.toContain('pod-spec');
    expect(child.isRegistered(SYNC_FILTER)).toBe(false);
    expect(() => registerTransformation(container.createChildContainer(), { exclude: ['nope'] })).toThrow(
      /"nope"/,
    );
  });

  it('appends transformers registered for RESOURCE_TRANSFORMER after the defaults', async () => {
    @injectable()
    class TeamLabel implements ResourceTransformer {
      readonly name = 'example.com/team';
      transform(object: KubeObject) {
        object.metadata.labels = { ...object.metadata.labels, team: 'a' };
        return object;
      }
    }
    const child = container.createChildContainer();
    registerTransformation(child);
    child.register(RESOURCE_TRANSFORMER, { useClass: TeamLabel });
    const pipeline = child.resolve<TransformationPipeline>(TRANSFORMATION_PIPELINE);
    expect(pipeline.transformers().at(-1)?.name).toBe('example.com/team');
    const out = objectOf(await pipeline.run(upstreamDeployment(), context(deployments)));
    expect(out.metadata.labels?.team).toBe('a');
  });

  it('injects DOWNSTREAM_CONFIG and NAMESPACE_LOCATOR_LOOKUP when they are registered', async () => {
    const child = container.createChildContainer();
    child.register(DOWNSTREAM_CONFIG, {
      useValue: { ...DEFAULT_DOWNSTREAM_CONFIG, namespaceNaming: 'readable' },
    });
    const index = new NamespaceLocatorIndex();
    child.register(NAMESPACE_LOCATOR_LOOKUP, { useValue: index });
    registerTransformation(child);
    const pipeline = child.resolve<TransformationPipeline>(TRANSFORMATION_PIPELINE);
    const down = objectOf(await pipeline.run(upstreamDeployment(), context(deployments)));
    expect(down.metadata.namespace).toBe('kcp-root-org-ws-test');
    index.upsert({
      metadata: {
        name: 'kcp-root-org-ws-test',
        annotations: {
          [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(
            namespaceLocator('root:org:ws', syncTarget, 'test'),
          ),
        },
      },
    });
    const up = objectOf(await pipeline.run(down, context(deployments, 'up')));
    expect(up.metadata.namespace).toBe('test');
  });
});

describe('the default pipeline', () => {
  it('turns an upstream Deployment into the desired downstream object', async () => {
    const { pipeline } = pipelineIn();
    const outcome = await pipeline.run(upstreamDeployment(), context(deployments));
    expect(outcome).toMatchObject({
      applied: ['pod-spec', 'annotations', 'metadata', 'owner-references', 'namespace', 'labels'],
    });
    const out = objectOf(outcome);
    // As kcp's syncer (pkg/syncer/spec/spec_process.go): labels and annotations copied but for our state label,
    // kcp.io/cluster and our status annotation; no finalizers, no owner references (kcp-ground-truth.test.ts
    // holds the real objects).
    expect(out.metadata).toEqual({
      name: 'web',
      namespace: KCP_TEST_NAMESPACE,
      labels: {
        app: 'web',
        'state.workload.kcp.io/otherSyncTargetKey': 'Sync',
        'internal.workload.kcp.io/cluster': KCP_TEST_SYNC_TARGET_KEY,
      },
      annotations: {
        'internal.workload.kcp.io/workspace-url': 'https://kcp.example/clusters/root:org:ws',
        [`deletion.internal.workload.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}`]: '2024-05-02T10:00:00Z',
        'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1"}',
        'team.example.com/owner': 'payments',
      },
    });
    expect(out).not.toHaveProperty('status');
    expect((out.spec as { replicas: number }).replicas).toBe(2);
  });

  it('gives deep-equal desired states for the same upstream object, however often it runs', async () => {
    const { pipeline } = pipelineIn();
    const upstream = upstreamDeployment();
    const first = await pipeline.run(upstream, context(deployments));
    const second = await pipeline.run(upstream, context(deployments));
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    // A resync of an object that changed only in server-set fields and status yields the same desired state.
    const resynced = upstreamDeployment();
    resynced.metadata.resourceVersion = '9999';
    resynced.metadata.managedFields = [{ manager: 'other', time: '2025-01-01T00:00:00Z' }];
    resynced.status = { replicas: 1 };
    expect(await pipeline.run(resynced, context(deployments))).toEqual(first);
    expect(upstream).toEqual(upstreamDeployment());
  });

  it('round-trips kube-root-ca.crt down and up through the locator of its downstream namespace', async () => {
    const child = container.createChildContainer();
    const index = new NamespaceLocatorIndex();
    child.register(NAMESPACE_LOCATOR_LOOKUP, { useValue: index });
    registerTransformation(child);
    const pipeline = child.resolve<TransformationPipeline>(TRANSFORMATION_PIPELINE);
    const upstream: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'kube-root-ca.crt',
        namespace: 'test',
        annotations: { 'kcp.io/cluster': 'root:org:ws' },
      },
      data: { 'ca.crt': 'PEM' },
    };
    const cmContext = context(configmaps, 'down', 'test', 'kube-root-ca.crt');
    const down = objectOf(await pipeline.run(upstream, cmContext));
    expect(down.metadata).toMatchObject({ name: 'kcp-root-ca.crt', namespace: KCP_TEST_NAMESPACE });
    index.upsert({
      metadata: {
        name: KCP_TEST_NAMESPACE,
        annotations: {
          [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(
            namespaceLocator('root:org:ws', syncTarget, 'test'),
          ),
        },
      },
    });
    const up = objectOf(
      await pipeline.run(
        { ...down, metadata: { ...down.metadata, uid: 'd', resourceVersion: '5' } },
        {
          ...cmContext,
          direction: 'up',
        },
      ),
    );
    expect(up).toEqual({ ...upstream, metadata: { ...upstream.metadata, uid: 'd', resourceVersion: '5' } });
  });

  it('binds the upstream URL and a secret lister over UPSTREAM_KUBE_CLIENT, keeping one already registered', async () => {
    const child = container.createChildContainer();
    const lists: unknown[][] = [];
    const client = {
      list: async (...args: unknown[]) => {
        lists.push(args);
        return { metadata: {}, items: [] };
      },
    } as unknown as KubeClient;
    child.register(UPSTREAM_KUBE_CLIENT, { useValue: client });
    child.register(SYNC_TARGET, { useValue: syncTarget });
    registerTransformation(child, {
      upstreamServerUrl: 'https://kcp.example:6443',
      upstreamByCluster: false,
    });
    expect(child.resolve(UPSTREAM_SERVER_URL)).toBe('https://kcp.example:6443');
    const lister = child.resolve<UpstreamSecretLister>(UPSTREAM_SECRET_LISTER);
    expect(lister).toBeInstanceOf(ClientSecretLister);
    // What kcp's upstream informer holds: our SyncTarget's Secrets in state Sync; plain mode: no cluster path.
    await lister.secretsIn('root:org:ws', 'test');
    expect(lists).toEqual([
      [
        { group: '', version: 'v1', resource: 'secrets' },
        { namespace: 'test' },
        { labelSelector: `state.workload.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}=Sync` },
      ],
    ]);
    const own = container.createChildContainer();
    const mine = { secretsIn: () => [] };
    own.register(UPSTREAM_SECRET_LISTER, { useValue: mine });
    registerTransformation(own, { upstreamServerUrl: 'https://kcp.example' });
    expect(own.resolve(UPSTREAM_SECRET_LISTER)).toBe(mine);
    expect(pipelineIn().child.isRegistered(UPSTREAM_SERVER_URL)).toBe(false);
  });
});
