import {
  DEFAULT_DOWNSTREAM_CONFIG,
  DOWNSTREAM_CONFIG,
  isTransformSkip,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  NAMESPACE_LOCATOR_LOOKUP,
  namespaceLocator,
  namespaceLocatorToJson,
  type PipelineOutcome,
  RESOURCE_TRANSFORMER,
  type ResourceTransformer,
  SYNC_FILTER,
  type SyncFilter,
  TRANSFORMATION_PIPELINE,
  type TransformationPipeline,
} from '@kcp-tmc/interfaces';
import { container, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { DefaultTransformerNames } from './names.js';
import { NamespaceLocatorIndex } from './namespace-index.js';
import { DefaultTransformationPipeline } from './pipeline.js';
import { DEFAULT_FILTERS, DEFAULT_TRANSFORMERS, registerTransformation } from './register.js';
import { specFingerprint } from './spec-fingerprint.js';
import {
  configmaps,
  context,
  deployments,
  KCP_TEST_NAMESPACE,
  KCP_TEST_SYNC_TARGET_KEY,
  secrets,
  syncTarget,
  upstreamDeployment,
} from './test-support/fixtures.js';
import { SYNCED_SPEC_ANNOTATION } from './transformers/annotations.js';

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
      applied: ['annotations', 'metadata', 'owner-references', 'namespace', 'labels', 'pod-spec'],
    });
    const out = objectOf(outcome);
    expect(out.metadata).toEqual({
      name: 'web',
      namespace: KCP_TEST_NAMESPACE,
      labels: {
        app: 'web',
        'internal.workload.kcp.io/cluster': KCP_TEST_SYNC_TARGET_KEY,
        'kcp.io/sync-target': 'us-west1',
        'kcp.io/managed': 'true',
      },
      annotations: {
        'team.example.com/owner': 'payments',
        [SYNCED_SPEC_ANNOTATION]: specFingerprint(upstreamDeployment().spec),
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

  it('skips service-account token secrets, reporting the transformer', async () => {
    const { pipeline } = pipelineIn();
    const token = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 't', namespace: 'test' },
    };
    expect(await pipeline.run(token, context(secrets))).toEqual({
      skip: true,
      reason: 'service-account token secrets are never synced',
      by: 'secrets',
    });
  });
});
