import { createHash } from 'node:crypto';
import {
  coreEvent,
  EVENT_REPORTING_COMPONENT,
  isRecord,
  type KubeObject,
  type ObjectScope,
  type SyncResult,
} from '@kcp-tmc/interfaces';
import type { ObjectReference, OwnedObject } from './owner-resolver.js';

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** What a downstream Event (core/v1 or events.k8s.io/v1) says, in core/v1 terms. */
export function readEvent(event: KubeObject) {
  const involved = (isRecord(event.involvedObject) ? event.involvedObject : event.regarding) as
    | ObjectReference
    | undefined;
  const series = isRecord(event.series) ? event.series : undefined;
  const count =
    typeof event.count === 'number' ? event.count : typeof series?.count === 'number' ? series.count : 1;
  const first = text(event.firstTimestamp) || text(event.eventTime) || text(event.metadata.creationTimestamp);
  const last = text(event.lastTimestamp) || text(series?.lastObservedTime) || first;
  const source = isRecord(event.source) ? event.source : {};
  return {
    involved,
    reason: text(event.reason),
    message: text(event.message) || text(event.note),
    type: text(event.type) || 'Normal',
    count,
    first,
    last,
    component: text(source.component) || text(event.reportingComponent) || text(event.reportingController),
  };
}

export type DownstreamEvent = ReturnType<typeof readEvent>;

/** What one upstream Event sums: the downstream Events (by uid) folded into it, with their counts. */
export interface Tally {
  readonly counts: Map<string, number>;
  first: string;
  last: string;
}

export function tallyTotal(tally: Tally): number {
  return [...tally.counts.values()].reduce((sum, n) => sum + n, 0);
}

/** The upstream object an Event goes to, as read upstream. */
export interface EventTarget {
  readonly owned: OwnedObject;
  readonly namespace: string;
  readonly scope: ObjectScope;
  readonly object: KubeObject;
}

/** Repeats of one Event (same object, type, reason, message, SyncTarget) share one name, so they add up. */
export function upstreamEventName(target: EventTarget, said: DownstreamEvent, syncTargetKey: string): string {
  const digest = createHash('sha256')
    .update(
      [target.object.metadata.uid ?? '', said.type, said.reason, said.message, syncTargetKey].join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  return `${target.owned.name}.${digest}`;
}

/** A new upstream Event about the target, summing the tally. */
export function newUpstreamEvent(
  name: string,
  target: EventTarget,
  said: DownstreamEvent,
  tally: Tally,
  syncTargetName: string,
): KubeObject {
  const { owned, object, namespace } = target;
  return coreEvent({
    name,
    namespace,
    involvedObject: {
      apiVersion: object.apiVersion ?? owned.apiVersion,
      kind: object.kind ?? owned.kind,
      namespace,
      name: owned.name,
      uid: object.metadata.uid ?? '',
      // A field path of a pod's container means nothing on the object the Event moved to.
      ...(owned.direct && typeof said.involved?.fieldPath === 'string'
        ? { fieldPath: said.involved.fieldPath }
        : {}),
    },
    reason: said.reason,
    message: said.message,
    type: said.type,
    count: tallyTotal(tally),
    firstTimestamp: tally.first,
    lastTimestamp: tally.last,
    source: { component: said.component || EVENT_REPORTING_COMPONENT, host: syncTargetName },
    reportingInstance: syncTargetName,
  });
}

export function noopResult(key: SyncResult['key'], reason: string): SyncResult {
  return { key, operation: 'noop', success: true, conflicts: [], reason };
}
