import { describe, expect, it } from 'vitest';
import {
  context,
  deployments,
  KCP_TEST_SYNC_TARGET_KEY,
  upstreamDeployment,
} from '../../test/support/fixtures.js';
import {
  AnnotationsTransformer,
  SYNCED_GENERATION_ANNOTATION,
  SYNCED_SPEC_ANNOTATION,
} from './annotations.js';

const transformer = new AnnotationsTransformer();

describe('AnnotationsTransformer', () => {
  // kcp: pkg/syncer/spec/spec_process.go strips kcp.io/cluster and its own status annotation, the syncer virtual
  // workspace the diff.syncer.internal.kcp.io/* ones; everything else is copied, kubectl's last-applied included
  // (ground-truth/go-syncer/downstream-ns-kcp-1s60339u6lau.json).
  it('strips kcp.io/cluster, our status annotation and the syncer view, copying every other annotation', () => {
    const object = upstreamDeployment();
    object.metadata.annotations = {
      ...object.metadata.annotations,
      [`diff.syncer.internal.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}`]: '{"status":"##promoted##"}',
      'experimental.status.workload.kcp.io/otherKey': '{}',
      'kcp.io/original-api-version': 'apps/v1beta1',
    };
    const out = transformer.transform(object, context(deployments));
    expect(out.metadata.annotations).toEqual({
      'internal.workload.kcp.io/workspace-url': 'https://kcp.example/clusters/root:org:ws',
      [`deletion.internal.workload.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}`]: '2024-05-02T10:00:00Z',
      'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1"}',
      'team.example.com/owner': 'payments',
      'experimental.status.workload.kcp.io/otherKey': '{}',
      'kcp.io/original-api-version': 'apps/v1beta1',
    });
  });

  // The write loop this prevents: our status annotation upstream bumps a Deployment's generation, which must not
  // become a downstream write (see the invariant on AnnotationsTransformer).
  it('gives the same desired state after a metadata-only upstream change (generation, our status annotation)', () => {
    const before = transformer.transform(upstreamDeployment(), context(deployments));
    const bumped = upstreamDeployment();
    bumped.metadata.generation = 42;
    bumped.metadata.resourceVersion = '999';
    bumped.metadata.annotations = {
      ...bumped.metadata.annotations,
      [`experimental.status.workload.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}`]: '{"replicas":2}',
    };
    expect(transformer.transform(bumped, context(deployments)).metadata.annotations).toEqual(
      before.metadata.annotations,
    );
  });

  it('writes none of our own annotations and drops those an older agent left, in both directions', () => {
    const object = {
      metadata: {
        name: 'x',
        generation: 3,
        annotations: { [SYNCED_GENERATION_ANNOTATION]: '9', [SYNCED_SPEC_ANNOTATION]: 'abc' },
      },
      spec: { replicas: 1 },
    };
    expect(transformer.transform(structuredClone(object), context(deployments)).metadata).toEqual({
      name: 'x',
      generation: 3,
    });
    const up = {
      metadata: { name: 'x', annotations: { [SYNCED_SPEC_ANNOTATION]: 'abc', 'kcp.io/cluster': 'a' } },
    };
    expect(transformer.transform(up, context(deployments, 'up')).metadata.annotations).toEqual({
      'kcp.io/cluster': 'a',
    });
  });
});
