import { createHash } from 'node:crypto';
import {
  CLOCK,
  type Clock,
  DOWNSTREAM_KUBE_CLIENT,
  type EventRequest,
  type EventSyncer,
  isTmcError,
  type KubeClient,
  type KubeObject,
  LOGGER,
  type Logger,
  NAMESPACE_LOCATOR_LOOKUP,
  type NamespaceLocatorLookup,
  NOOP_LOGGER,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  type SyncResult,
  type SyncTargetRef,
  TmcErrorType,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { isRecord } from '../json.js';
import { type UpstreamOptions, upstreamScope } from '../options.js';
import { UPSTREAM_OPTIONS } from '../tokens.js';
import { type ObjectReference, OwnedObjectResolver } from './owner-resolver.js';
import { TokenBucket } from './token-bucket.js';

const EVENTS = { group: '', version: 'v1', resource: 'events' } as const;
/** Upstream Events name the agent as their reporter. */
export const EVENT_REPORTING_COMPONENT = 'kcp-tmc-syncer';
const WRITE_ATTEMPTS = 5;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** What a downstream Event (core/v1 or events.k8s.io/v1) says, in core/v1 terms. */
function readEvent(event: KubeObject) {
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

/** What one upstream Event sums: the downstream Events (by uid) folded into it, with their counts. */
interface Tally {
  readonly counts: Map<string, number>;
  first: string;
  last: string;
}

/**
 * Turns downstream Events about objects this SyncTarget owns (directly, or through controller owner references:
 * a pod's Event lands on its Deployment) into upstream Events about the upstream object: involvedObject
 * rewritten to the upstream namespace, name, uid and apiVersion. The upstream Event's name derives from the
 * upstream uid, type, reason, message and SyncTarget, so repeats bump `count` and `lastTimestamp` of one Event
 * instead of creating new ones; `count` is the sum over the downstream Events folded in (each counted once
 * however often it is seen, never below what upstream already shows). Writes pass a token bucket: when it is
 * empty the result asks the engine to come back later, and that later write carries everything folded in
 * meanwhile. Events about anything else are ignored. Events go up only where the upstream serves v1 events
 * (kcp's syncer virtual workspace does not): discovery says so once, and without them every Event is skipped
 * after a single info message.
 */
@injectable()
export class DefaultEventSyncer implements EventSyncer {
  private readonly resolver: OwnedObjectResolver;
  private readonly bucket: TokenBucket;
  private readonly tallies = new Map<string, Tally>();
  private readonly maxTracked: number;
  private readonly options: UpstreamOptions;
  private served: Promise<boolean> | undefined;

  constructor(
    @inject(UPSTREAM_KUBE_CLIENT) private readonly upstream: KubeClient,
    @inject(DOWNSTREAM_KUBE_CLIENT) downstream: KubeClient,
    @inject(NAMESPACE_LOCATOR_LOOKUP) private readonly locators: NamespaceLocatorLookup,
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    @inject(UPSTREAM_OPTIONS, { isOptional: true }) options: UpstreamOptions = {},
    @inject(CLOCK, { isOptional: true }) clock: Clock = SYSTEM_CLOCK,
    @inject(LOGGER, { isOptional: true }) private readonly logger: Logger = NOOP_LOGGER,
  ) {
    this.options = options;
    this.maxTracked = options.events?.maxTracked ?? 10_000;
    this.resolver = new OwnedObjectResolver(downstream, syncTarget.key, this.maxTracked, () => clock.now());
    this.bucket = new TokenBucket(options.events?.qps ?? 10, options.events?.burst ?? 25, clock);
  }

  async syncEvent({ item, event }: EventRequest): Promise<SyncResult> {
    const key = item.key;
    const noop = (reason: string): SyncResult => ({
      key,
      operation: 'noop',
      success: true,
      conflicts: [],
      reason,
    });
    if (!(await this.eventsServed())) return noop('the upstream does not serve v1 events');
    const said = readEvent(event);
    if (said.involved === undefined) return noop('event names no object');
    const owned = await this.resolver.resolve(said.involved, event.metadata.namespace ?? '');
    if (owned === undefined) return noop('event about an object this SyncTarget does not own');
    const locator = owned.namespace === '' ? undefined : await this.locators.locatorOf(owned.namespace);
    if (locator === undefined)
      return noop(`downstream namespace ${owned.namespace} has no namespace locator`);
    const st = locator.syncTarget;
    if (st.name !== this.syncTarget.name || st.uid !== this.syncTarget.uid) {
      return noop(`belongs to SyncTarget ${st.cluster}:${st.name}`);
    }
    const scope = upstreamScope(
      this.options.upstreamMode ?? 'virtual-workspace',
      locator.cluster,
      locator.namespace,
    );
    let target: KubeObject;
    try {
      target = await this.upstream.get(owned.gvr, { ...scope, name: owned.name });
    } catch (err) {
      if (isTmcError(err) && err.type === TmcErrorType.NotFound) return noop('upstream object is gone');
      throw err;
    }
    const uid = target.metadata.uid ?? '';
    const digest = createHash('sha256')
      .update([uid, said.type, said.reason, said.message, this.syncTarget.key].join('\n'))
      .digest('hex')
      .slice(0, 16);
    const name = `${owned.name}.${digest}`;
    const tally = this.fold(name, event.metadata.uid ?? event.metadata.name ?? '', said);
    const total = [...tally.counts.values()].reduce((sum, n) => sum + n, 0);

    for (let attempt = 1; ; attempt++) {
      try {
        const existing = await this.getEvent(scope, name);
        const existingCount = typeof existing?.count === 'number' ? existing.count : 0;
        const lastTimestamp = [text(existing?.lastTimestamp), tally.last].sort().at(-1) ?? tally.last;
        if (
          existing !== undefined &&
          existingCount >= total &&
          lastTimestamp === text(existing.lastTimestamp)
        ) {
          return noop('upstream event up to date');
        }
        const wait = this.bucket.take();
        if (wait > 0) return { ...noop('rate limited'), retryAfterMs: wait };
        if (existing === undefined) {
          const object = await this.upstream.create(
            EVENTS,
            {
              apiVersion: 'v1',
              kind: 'Event',
              metadata: { name, namespace: locator.namespace },
              involvedObject: {
                apiVersion: target.apiVersion ?? owned.apiVersion,
                kind: target.kind ?? owned.kind,
                namespace: locator.namespace,
                name: owned.name,
                uid,
                // A field path of a pod's container means nothing on the object the Event moved to.
                ...(owned.direct && typeof said.involved.fieldPath === 'string'
                  ? { fieldPath: said.involved.fieldPath }
                  : {}),
              },
              reason: said.reason,
              message: said.message,
              type: said.type,
              count: total,
              firstTimestamp: tally.first,
              lastTimestamp: tally.last,
              source: { component: said.component || EVENT_REPORTING_COMPONENT, host: this.syncTarget.name },
              reportingComponent: EVENT_REPORTING_COMPONENT,
              reportingInstance: this.syncTarget.name,
            },
            scope,
          );
          return { key, operation: 'create', success: true, conflicts: [], object };
        }
        const object = await this.upstream.patch(EVENTS, { ...scope, name }, 'merge', {
          metadata: { resourceVersion: existing.metadata.resourceVersion },
          count: Math.max(existingCount, total),
          lastTimestamp,
        });
        return { key, operation: 'update', success: true, conflicts: [], object };
      } catch (err) {
        const raced =
          isTmcError(err) &&
          (err.type === TmcErrorType.ResourceConflict || err.type === TmcErrorType.AlreadyExists);
        if (!raced || attempt >= WRITE_ATTEMPTS) throw err;
      }
    }
  }

  /** Whether the upstream serves v1 events, asked of its discovery once (a failed lookup is asked again). */
  private eventsServed(): Promise<boolean> {
    this.served ??= this.upstream.mapping(EVENTS).then(
      () => true,
      (err: unknown) => {
        if (isTmcError(err) && err.type === TmcErrorType.NotFound) {
          this.logger.info('the upstream does not serve v1 events: downstream Events are not synced up', {
            syncTarget: this.syncTarget.name,
          });
          return false;
        }
        this.served = undefined;
        throw err;
      },
    );
    return this.served;
  }

  private async getEvent(
    scope: { cluster?: string; namespace?: string },
    name: string,
  ): Promise<KubeObject | undefined> {
    try {
      return await this.upstream.get(EVENTS, { ...scope, name });
    } catch (err) {
      if (isTmcError(err) && err.type === TmcErrorType.NotFound) return undefined;
      throw err;
    }
  }

  /** Records a downstream Event's latest count under its upstream Event (bounded: whole tallies are dropped). */
  private fold(name: string, downstreamUid: string, said: ReturnType<typeof readEvent>): Tally {
    let tally = this.tallies.get(name);
    if (tally === undefined) {
      if (this.tallies.size >= this.maxTracked)
        this.tallies.delete(this.tallies.keys().next().value as string);
      tally = { counts: new Map(), first: said.first, last: said.last };
      this.tallies.set(name, tally);
    }
    tally.counts.set(downstreamUid, Math.max(tally.counts.get(downstreamUid) ?? 0, said.count));
    if (said.first !== '' && (tally.first === '' || said.first < tally.first)) tally.first = said.first;
    if (said.last > tally.last) tally.last = said.last;
    return tally;
  }
}
