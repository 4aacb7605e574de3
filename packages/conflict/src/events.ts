import type { KubeObject, SyncConflict } from '@kcp-tmc/interfaces';

/**
 * The Event reason of every conflict the syncer reports (the TmcError type of a conflict); the downstream
 * integration and real-server suites look for it.
 */
export const CONFLICT_EVENT_REASON = 'ResourceConflict';
export const DEFAULT_EVENT_COMPONENT = 'kcp-tmc-syncer';

// events.k8s.io caps notes at 1 kB; core/v1 tolerates more, but a conflict report needs no more.
const MAX_MESSAGE = 1024;
const MAX_NAME = 253;

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
  const name = object.metadata.name ?? 'unknown';
  const namespace = object.metadata.namespace || 'default';
  const component = options.component ?? DEFAULT_EVENT_COMPONENT;
  const nanos = BigInt(Math.trunc(options.now)) * 1_000_000n;
  const suffix = `.${nanos.toString(16)}`;
  const time = new Date(Math.trunc(options.now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const involvedObject: Record<string, string> = { name };
  if (object.apiVersion !== undefined) involvedObject.apiVersion = object.apiVersion;
  if (object.kind !== undefined) involvedObject.kind = object.kind;
  if (object.metadata.namespace) involvedObject.namespace = object.metadata.namespace;
  if (object.metadata.uid !== undefined) involvedObject.uid = object.metadata.uid;
  if (object.metadata.resourceVersion !== undefined) {
    involvedObject.resourceVersion = object.metadata.resourceVersion;
  }
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`, namespace },
    involvedObject,
    reason: CONFLICT_EVENT_REASON,
    message: describeConflicts(options.conflicts),
    type: options.type ?? 'Warning',
    source: { component },
    reportingComponent: component,
    ...(options.instance === undefined ? {} : { reportingInstance: options.instance }),
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}
