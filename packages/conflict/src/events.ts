import {
  coreEvent,
  EVENT_REPORTING_COMPONENT,
  type KubeObject,
  kubeTime,
  objectReference,
  recorderEventName,
  type SyncConflict,
} from '@kcp-tmc/interfaces';

/**
 * The Event reason of every conflict the syncer reports (the TmcError type of a conflict); the downstream
 * integration and real-server suites look for it.
 */
export const CONFLICT_EVENT_REASON = 'ResourceConflict';

// events.k8s.io caps notes at 1 kB; core/v1 tolerates more, but a conflict report needs no more.
const MAX_MESSAGE = 1024;

export interface ConflictEventOptions {
  /** The object the conflict is about (downstream, or the upstream object to report it there). */
  readonly involvedObject: KubeObject;
  /** The conflicts of one sync, with their resolutions (ConflictOutcome.conflicts). */
  readonly conflicts: readonly SyncConflict[];
  /** Event time (ms since epoch): from the injected Clock, never read here, so the caller controls it. */
  readonly now: number;
  /** `source.component` and `reportingComponent`; default `kcp-tmc-syncer`. */
  readonly component?: string;
  /** `reportingInstance`, e.g. the SyncTarget name or the agent's pod. */
  readonly instance?: string;
  /** Default Warning: a conflict means someone's change was overridden or ours was not applied. */
  readonly type?: 'Warning' | 'Normal';
}

/** One line per conflict: kind, what the server said, contested fields, resolution. */
export function describeConflicts(conflicts: readonly SyncConflict[]): string {
  const text = conflicts
    .map((c) => {
      const fields = c.fields !== undefined && c.fields.length > 0 ? ` [fields: ${c.fields.join(', ')}]` : '';
      const resolution = c.resolution === undefined ? '' : ` -> ${c.resolution}`;
      return `${c.kind}: ${c.message}${fields}${resolution}`;
    })
    .join('; ');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 3)}...` : text;
}

/**
 * A core/v1 Event describing the conflicts of one sync (reason `ResourceConflict`), ready to be created in the
 * involved object's namespace (`default` for cluster-scoped objects). Named like client-go's recorder
 * (`<object>.<unix nanoseconds in hex>`), so it is unique per object and instant without random values.
 */
export function conflictEvent(options: ConflictEventOptions): KubeObject {
  const object = options.involvedObject;
  const component = options.component ?? EVENT_REPORTING_COMPONENT;
  return coreEvent({
    name: recorderEventName(object.metadata.name ?? 'unknown', options.now),
    namespace: object.metadata.namespace || 'default',
    involvedObject: objectReference(object),
    reason: CONFLICT_EVENT_REASON,
    message: describeConflicts(options.conflicts),
    type: options.type ?? 'Warning',
    source: { component },
    reportingComponent: component,
    ...(options.instance === undefined ? {} : { reportingInstance: options.instance }),
    firstTimestamp: kubeTime(options.now),
  });
}
