import type { KubeObject } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { DefaultStatusExtractor } from './default.js';
import { extractorFor } from './index.js';
import { JobStatusExtractor } from './job.js';
import { SYNCED_GENERATION_ANNOTATION, SYNCED_SPEC_ANNOTATION } from './merge-helpers.js';
import { specFingerprint } from './observed-generation.js';
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

  it('records which synced spec the downstream controller observed, never a generation', () => {
    const downstream = (observed: number | undefined): KubeObject => ({
      metadata: { generation: 2, annotations: { [SYNCED_SPEC_ANNOTATION]: 'abc' } },
      status: { ...(observed === undefined ? {} : { observedGeneration: observed }), replicas: 1 },
    });
    expect(extractor.extract(downstream(2))).toEqual({ observedSpec: 'abc', replicas: 1 });
    expect(extractor.extract(downstream(1))).toEqual({ observedSpec: null, replicas: 1 });
    expect(extractor.extract(downstream(undefined))).toEqual({ observedSpec: null, replicas: 1 });
  });

  it('merges to the upstream generation when every target observed the current upstream spec', () => {
    const spec = { replicas: 3 };
    const upstreamAt = (generation: number, previous?: number): KubeObject => ({
      metadata: { name: 'x', generation },
      spec,
      ...(previous === undefined ? {} : { status: { observedGeneration: previous } }),
    });
    const current = specFingerprint(spec);
    const observed = (...fingerprints: (string | null)[]) =>
      new Map<string, unknown>(fingerprints.map((f, i) => [`t${i}`, { observedSpec: f, replicas: 1 }]));
    const merge = (statuses: Map<string, unknown>, up: KubeObject) =>
      extractor.merge(statuses, up) as Record<string, unknown>;
    // Metadata-only writes moved the generation to 9: the spec is the same, so 9 is observed.
    expect(merge(observed(current, current), upstreamAt(9))).toEqual({ observedGeneration: 9, replicas: 2 });
    // One target still at an older spec or lagging: "not yet", the last generation reported as observed.
    expect(merge(observed(current, 'old'), upstreamAt(9, 7)).observedGeneration).toBe(7);
    expect(merge(observed(current, null), upstreamAt(9)).observedGeneration).toBe(8);
    expect(merge(observed(current), upstreamAt(9, 9)).observedGeneration).toBe(9);
  });

  it('translates observedGeneration of objects an older agent synced (synced-generation annotation)', () => {
    const downstream = (observed: number): KubeObject => ({
      metadata: { generation: 2, annotations: { [SYNCED_GENERATION_ANNOTATION]: '7' } },
      status: { observedGeneration: observed, replicas: 1 },
    });
    expect(extractor.extract(downstream(2))).toEqual({ observedGeneration: 7, replicas: 1 });
    expect(extractor.extract(downstream(1))).toEqual({ observedGeneration: 6, replicas: 1 });
    expect(extractor.extract({ metadata: { generation: 2 }, status: { observedGeneration: 2 } })).toEqual({
      observedGeneration: 2,
    });
    const merged = extractor.merge(
      new Map<string, unknown>(
        [['t', downstream(1)]].map(([k, d]) => [k as string, extractor.extract(d as KubeObject)]),
      ),
      { metadata: { name: 'x', generation: 9 }, spec: {} },
    );
    expect(merged).toMatchObject({ observedGeneration: 6 });
  });

  it('fingerprints specs as @kcp-tmc/transformation does (pinned values shared with its tests)', () => {
    expect(specFingerprint({ replicas: 2, selector: { b: 1, a: 2 } })).toBe(
      '8a5766246d6a7741813bc8e63b02cc35',
    );
    expect(specFingerprint(undefined)).toBe('74234e98afe7498fb5daf1f36ac2d78a');
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
