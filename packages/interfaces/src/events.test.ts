import { describe, expect, it } from 'vitest';
import {
  coreEvent,
  EVENT_REPORTING_COMPONENT,
  kubeTime,
  objectReference,
  recorderEventName,
} from './events.js';

describe('kubeTime', () => {
  it('writes RFC 3339 in whole seconds, as metav1.Time does', () => {
    expect(kubeTime(Date.UTC(2025, 5, 7, 8, 9, 10, 987))).toBe('2025-06-07T08:09:10Z');
  });
});

describe('recorderEventName', () => {
  it('appends the unix nanoseconds in hex, keeping the name within 253 characters', () => {
    expect(recorderEventName('web', 1_000)).toBe(`web.${(1_000_000_000).toString(16)}`);
    expect(recorderEventName('x'.repeat(300), 1_000)).toHaveLength(253);
  });
});

describe('objectReference and coreEvent', () => {
  it('refer to the object by type, name, namespace, uid and resourceVersion; default to the agent as reporter', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: '', uid: 'u' } };
    expect(objectReference(object)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u' });
    const event = coreEvent({
      name: 'c.1',
      namespace: 'default',
      involvedObject: objectReference(object),
      reason: 'Failed',
      message: 'm',
      type: 'Warning',
      firstTimestamp: 't',
    });
    expect(event).toMatchObject({
      source: { component: EVENT_REPORTING_COMPONENT },
      reportingComponent: EVENT_REPORTING_COMPONENT,
      firstTimestamp: 't',
      lastTimestamp: 't',
      count: 1,
    });
    expect(event).not.toHaveProperty('reportingInstance');
  });
});
