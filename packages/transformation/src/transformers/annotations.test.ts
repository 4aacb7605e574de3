import { describe, expect, it } from 'vitest';
import { context, deployments, upstreamDeployment } from '../test-support/fixtures.js';
import { AnnotationsTransformer, SYNCED_GENERATION_ANNOTATION } from './annotations.js';

const transformer = new AnnotationsTransformer();

describe('AnnotationsTransformer', () => {
  it('strips kcp.io/cluster and every upstream-only annotation, keeping the user ones, and records the generation', () => {
    const object = upstreamDeployment();
    object.metadata.annotations = {
      ...object.metadata.annotations,
      'finalizers.workload.kcp.io/anyKey': 'x',
      'experimental.spec-diff.workload.kcp.io/anyKey': '[]',
      'kcp.io/original-api-version': 'apps/v1beta1',
      'workload.kcp.io/rv': '77',
    };
    const out = transformer.transform(object, context(deployments));
    expect(out.metadata.annotations).toEqual({
      'team.example.com/owner': 'payments',
      [SYNCED_GENERATION_ANNOTATION]: '3',
    });
  });

  it('adds no generation to objects without one, and removes a stale copy', () => {
    const configMap = { metadata: { name: 'x', annotations: { [SYNCED_GENERATION_ANNOTATION]: '9' } } };
    expect(transformer.transform(configMap, context(deployments)).metadata).toEqual({ name: 'x' });
  });

  it('removes the sync metadata on the way up, keeping kcp.io/cluster', () => {
    const downstream = {
      metadata: {
        name: 'x',
        annotations: { [SYNCED_GENERATION_ANNOTATION]: '3', 'kcp.io/cluster': 'root:a', a: 'b' },
      },
    };
    expect(transformer.transform(downstream, context(deployments, 'up')).metadata.annotations).toEqual({
      'kcp.io/cluster': 'root:a',
      a: 'b',
    });
  });
});
