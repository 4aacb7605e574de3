import type { SyncConflict } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { existingDeployment } from '../test/support/fixtures.js';
import { CONFLICT_EVENT_REASON, conflictEvent, describeConflicts } from './events.js';

const conflicts: SyncConflict[] = [
  {
    kind: 'field-manager',
    message: 'Apply failed with 1 conflict',
    fields: ['spec.replicas'],
    resolution: 'upstream-wins: applied with force',
  },
];

describe('conflictEvent', () => {
  it('builds a core/v1 Warning Event about the object, named like client-go does', () => {
    const now = Date.UTC(2024, 4, 1, 12, 30, 15, 250);
    const event = conflictEvent({ involvedObject: existingDeployment(), conflicts, now, instance: 'west' });
    expect(event).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web.${(BigInt(now) * 1_000_000n).toString(16)}`, namespace: 'kcp-3kx8pw7yq2mb' },
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        namespace: 'kcp-3kx8pw7yq2mb',
        uid: 'down-uid',
        resourceVersion: '42',
      },
      reason: CONFLICT_EVENT_REASON,
      message:
        'field-manager: Apply failed with 1 conflict [fields: spec.replicas] -> upstream-wins: applied with force',
      type: 'Warning',
      source: { component: 'kcp-tmc-syncer' },
      reportingComponent: 'kcp-tmc-syncer',
      reportingInstance: 'west',
      firstTimestamp: '2024-05-01T12:30:15Z',
      lastTimestamp: '2024-05-01T12:30:15Z',
      count: 1,
    });
  });

  it('puts events about cluster-scoped objects in default and keeps names within 253 characters', () => {
    const object = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'p'.repeat(253) } };
    const event = conflictEvent({
      involvedObject: object,
      conflicts,
      now: 1,
      component: 'me',
      type: 'Normal',
    });
    const metadata = event.metadata;
    expect(metadata.namespace).toBe('default');
    expect(metadata.name?.length).toBeLessThanOrEqual(253);
    expect(metadata.name?.endsWith('.f4240')).toBe(true);
    expect(event.type).toBe('Normal');
    expect(event.involvedObject).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      name: 'p'.repeat(253),
    });
  });
});

describe('describeConflicts', () => {
  it('joins conflicts and caps the message at 1024 characters', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      kind: 'stale-resource-version',
      message: `m${i}`.repeat(10),
    }));
    const text = describeConflicts(many);
    expect(text.length).toBe(1024);
    expect(text.endsWith('...')).toBe(true);
    expect(describeConflicts([{ kind: 'ownership', message: 'x' }])).toBe('ownership: x');
  });
});
