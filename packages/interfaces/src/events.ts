import type { KubeObject } from './object.js';

// core/v1 Events as the agent writes them: about a failure, a conflict, or a downstream Event moved upstream.

/** `source.component` and `reportingComponent` of the Events the agent writes. */
export const EVENT_REPORTING_COMPONENT = 'kcp-tmc-syncer';

/** RFC 3339 to the second, as metav1.Time serialises (`2026-01-02T03:04:05Z`). */
export function kubeTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

const MAX_NAME = 253;

/** client-go's recorder names an Event `<object>.<unix nanoseconds in hex>`: unique per object and instant. */
export function recorderEventName(objectName: string, nowMs: number): string {
  const suffix = `.${(BigInt(Math.trunc(nowMs)) * 1_000_000n).toString(16)}`;
  return `${objectName.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/** The `involvedObject` of an Event about `object`: its type, name, namespace, uid and resourceVersion. */
export function objectReference(object: KubeObject): Record<string, string> {
  const meta = object.metadata;
  const reference: Record<string, string> = {};
  if (object.apiVersion !== undefined) reference.apiVersion = object.apiVersion;
  if (object.kind !== undefined) reference.kind = object.kind;
  reference.name = meta.name ?? 'unknown';
  if (meta.namespace) reference.namespace = meta.namespace;
  if (meta.uid !== undefined) reference.uid = meta.uid;
  if (meta.resourceVersion !== undefined) reference.resourceVersion = meta.resourceVersion;
  return reference;
}

export interface CoreEventInit {
  readonly name: string;
  readonly namespace: string;
  readonly involvedObject: Record<string, unknown>;
  readonly reason: string;
  readonly message: string;
  readonly type: string;
  readonly firstTimestamp: string;
  /** Default: firstTimestamp. */
  readonly lastTimestamp?: string;
  /** Default 1. */
  readonly count?: number;
  /** Default `{ component: EVENT_REPORTING_COMPONENT }`. */
  readonly source?: { readonly component: string; readonly host?: string };
  /** Default EVENT_REPORTING_COMPONENT. */
  readonly reportingComponent?: string;
  /** Left out when not given. */
  readonly reportingInstance?: string;
}

/** A core/v1 Event, ready to be created in `namespace`. */
export function coreEvent(init: CoreEventInit): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: init.name, namespace: init.namespace },
    involvedObject: init.involvedObject,
    reason: init.reason,
    message: init.message,
    type: init.type,
    source: init.source ?? { component: EVENT_REPORTING_COMPONENT },
    reportingComponent: init.reportingComponent ?? EVENT_REPORTING_COMPONENT,
    ...(init.reportingInstance === undefined ? {} : { reportingInstance: init.reportingInstance }),
    firstTimestamp: init.firstTimestamp,
    lastTimestamp: init.lastTimestamp ?? init.firstTimestamp,
    count: init.count ?? 1,
  };
}
