import type { KubeObject } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { DefaultStatusExtractor } from './default.js';
import { extractorFor } from './index.js';
import { JobStatusExtractor } from './job.js';
import { SYNCED_GENERATION_ANNOTATION } from './merge-helpers.js';
import { ServiceStatusExtractor } from './service.js';
import { WorkloadStatusExtractor } from './workloads.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const upstream: KubeObject = { metadata: { name: 'x' } };

describe('WorkloadStatusExtractor', () => {
  const extractor = new WorkloadStatusExtractor();

  it('sums replica counts, keeps the minimum observedGeneration and the worst condition', () => {
    const merged = extractor.merge(
      new Map<string, unknown>([
        [
          'b',
          {
            observedGeneration: 3,
            replicas: 2,
            readyReplicas: 1,
            conditions: [
              { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
              { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' },
            ],
          },
        ],
        [
          'a',
          {
            observedGeneration: 4,
            replicas: 3,
            readyReplicas: 3,
            availableReplicas: 3,
            collisionCount: 1,
            conditions: [
              { type: 'Available', status: 'True' },
              { type: 'ReplicaFailure', status: 'False' },
              { type: 'Progressing', status: 'True' },
            ],
          },
        ],
      ]),
      upstream,
    );
    expect(merged).toEqual({
      observedGeneration: 3,
      replicas: 5,
      readyReplicas: 4,
      availableReplicas: 3,
      collisionCount: 1,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' },
        { type: 'Progressing', status: 'True' },
      ],
    });
  });

  it('applies to the four apps/v1 workload kinds only', () => {
    for (const resource of ['deployments', 'statefulsets', 'replicasets', 'daemonsets']) {
      expect(extractor.appliesTo({ group: 'apps', version: 'v1', resource })).toBe(true);
    }
    expect(extractor.appliesTo({ group: 'batch', version: 'v1', resource: 'jobs' })).toBe(false);
  });

  it('sums DaemonSet scheduling counters', () => {
    const merged = extractor.merge(
      new Map<string, unknown>([
        ['a', { desiredNumberScheduled: 3, numberReady: 3 }],
        ['b', { desiredNumberScheduled: 2, numberReady: 1 }],
      ]),
      upstream,
    ) as Record<string, unknown>;
    expect(merged.desiredNumberScheduled).toBe(5);
    expect(merged.numberReady).toBe(4);
  });

  it('reports observedGeneration in upstream generations', () => {
    const downstream = (observed: number): KubeObject => ({
      metadata: { generation: 2, annotations: { [SYNCED_GENERATION_ANNOTATION]: '7' } },
      status: { observedGeneration: observed, replicas: 1 },
    });
    expect(extractor.extract(downstream(2))).toEqual({ observedGeneration: 7, replicas: 1 });
    expect(extractor.extract(downstream(1))).toEqual({ observedGeneration: 6, replicas: 1 });
    expect(extractor.extract({ metadata: { generation: 2 }, status: { observedGeneration: 2 } })).toEqual({
      observedGeneration: 2,
    });
  });
});

describe('JobStatusExtractor', () => {
  const extractor = new JobStatusExtractor();
  const complete = (time: string) => ({
    succeeded: 1,
    startTime: `2024-01-01T00:00:0${time}Z`,
    completionTime: `2024-01-01T00:01:0${time}Z`,
    conditions: [{ type: 'Complete', status: 'True' }],
  });

  it('sums counters and is Complete only once every target completed', () => {
    const running = { active: 1, startTime: '2024-01-01T00:00:05Z' };
    const partial = extractor.merge(
      new Map<string, unknown>([
        ['a', complete('1')],
        ['b', running],
      ]),
      upstream,
    ) as Record<string, unknown>;
    expect(partial.active).toBe(1);
    expect(partial.succeeded).toBe(1);
    expect(partial.startTime).toBe('2024-01-01T00:00:01Z');
    expect(partial.conditions).toBeUndefined();
    expect(partial.completionTime).toBeUndefined();

    const done = extractor.merge(
      new Map<string, unknown>([
        ['a', complete('1')],
        ['b', complete('2')],
      ]),
      upstream,
    ) as Record<string, unknown>;
    expect(done.succeeded).toBe(2);
    expect(done.completionTime).toBe('2024-01-01T00:01:02Z');
    expect(done.conditions).toEqual([{ type: 'Complete', status: 'True' }]);
  });

  it('a Failed target fails the whole', () => {
    const merged = extractor.merge(
      new Map<string, unknown>([
        [
          'a',
          { failed: 2, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
        ],
        ['b', { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }],
      ]),
      upstream,
    ) as Record<string, unknown>;
    expect(merged.failed).toBe(2);
    expect(merged.conditions).toEqual([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }]);
  });
});

describe('ServiceStatusExtractor', () => {
  it('unions load-balancer ingress, each point once', () => {
    const merged = new ServiceStatusExtractor().merge(
      new Map<string, unknown>([
        ['b', { loadBalancer: { ingress: [{ ip: '10.0.0.2' }, { hostname: 'lb.example' }] } }],
        ['a', { loadBalancer: { ingress: [{ ip: '10.0.0.1' }, { hostname: 'lb.example' }] } }],
        ['c', { loadBalancer: {} }],
      ]),
      upstream,
    );
    expect(merged).toEqual({
      loadBalancer: { ingress: [{ ip: '10.0.0.1' }, { hostname: 'lb.example' }, { ip: '10.0.0.2' }] },
    });
  });
});

describe('DefaultStatusExtractor and extractorFor', () => {
  it('copies a single status; with several, the first target in key order speaks', () => {
    const extractor = new DefaultStatusExtractor();
    expect(extractor.merge(new Map([['only', { phase: 'Bound' }]]))).toEqual({ phase: 'Bound' });
    expect(
      extractor.merge(
        new Map([
          ['b', { phase: 'B' }],
          ['a', { phase: 'A' }],
        ]),
      ),
    ).toEqual({ phase: 'A' });
  });

  it('picks the last registered extractor that applies', () => {
    const workloads = new WorkloadStatusExtractor();
    const custom = { name: 'custom', appliesTo: () => true, extract: () => ({}), merge: () => ({}) };
    const fallback = new DefaultStatusExtractor();
    expect(extractorFor([fallback, workloads], DEPLOYMENTS)).toBe(workloads);
    expect(extractorFor([fallback, workloads, custom], DEPLOYMENTS)).toBe(custom);
    expect(extractorFor([fallback, workloads], { group: '', version: 'v1', resource: 'pods' })).toBe(
      fallback,
    );
    expect(extractorFor([], DEPLOYMENTS).name).toBe('default');
  });
});
