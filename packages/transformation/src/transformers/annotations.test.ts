import { describe, expect, it } from 'vitest';
import { specFingerprint } from '../spec-fingerprint.js';
import { context, deployments, upstreamDeployment } from '../test-support/fixtures.js';
import {
  AnnotationsTransformer,
  SYNCED_GENERATION_ANNOTATION,
  SYNCED_SPEC_ANNOTATION,
} from './annotations.js';

const transformer = new AnnotationsTransformer();

describe('AnnotationsTransformer', () => {
  it('strips kcp.io/cluster and every upstream-only annotation, keeping the user ones, and fingerprints the spec', () => {
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
      [SYNCED_SPEC_ANNOTATION]: specFingerprint(upstreamDeployment().spec),
    });
  });

  // The write loop this prevents: our status annotation upstream bumps a Deployment's generation, which must not
  // become a downstream write (see the invariant on AnnotationsTransformer).
  it('gives the same desired state after a metadata-only upstream change (generation, status annotations)', () => {
    const before = transformer.transform(upstreamDeployment(), context(deployments));
    const bumped = upstreamDeployment();
    bumped.metadata.generation = 42;
    bumped.metadata.resourceVersion = '999';
    bumped.metadata.annotations = {
      ...bumped.metadata.annotations,
      'experimental.status.workload.kcp.io/anyKey': '{"replicas":1}',
      [SYNCED_GENERATION_ANNOTATION]: '41',
    };
    const after = transformer.transform(bumped, context(deployments));
    expect(after.metadata.annotations).toEqual(before.metadata.annotations);
    const respec = upstreamDeployment();
    (respec.spec as { replicas: number }).replicas = 7;
    expect(transformer.transform(respec, context(deployments)).metadata.annotations).not.toEqual(
      before.metadata.annotations,
    );
  });

  it('adds no fingerprint to objects without a generation, and removes stale copies', () => {
    const configMap = {
      metadata: {
        name: 'x',
        annotations: { [SYNCED_GENERATION_ANNOTATION]: '9', [SYNCED_SPEC_ANNOTATION]: 'abc' },
      },
    };
    expect(transformer.transform(configMap, context(deployments)).metadata).toEqual({ name: 'x' });
  });

  it('removes the sync metadata on the way up, keeping kcp.io/cluster', () => {
    const downstream = {
      metadata: {
        name: 'x',
        annotations: {
          [SYNCED_GENERATION_ANNOTATION]: '3',
          [SYNCED_SPEC_ANNOTATION]: 'abc',
          'kcp.io/cluster': 'root:a',
          a: 'b',
        },
      },
    };
    expect(transformer.transform(downstream, context(deployments, 'up')).metadata.annotations).toEqual({
      'kcp.io/cluster': 'root:a',
      a: 'b',
    });
  });
});
