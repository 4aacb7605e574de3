import {
  CLOCK,
  type Clock,
  DOWNSTREAM_KUBE_CLIENT,
  EVENTS_GVR,
  type EventRequest,
  type EventSyncer,
  isSyncTargetLocator,
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
import { TokenBucket } from '@kcp-tmc/kube';
import { inject, injectable } from 'tsyringe';
import { type UpstreamOptions, upstreamScope } from '../options.js';
import { UPSTREAM_OPTIONS } from '../tokens.js';
import { OwnedObjectResolver } from './owner-resolver.js';
import {
  type DownstreamEvent,
  type EventTarget,
  newUpstreamEvent,
  noopResult,
  readEvent,
  type Tally,
  tallyTotal,
  text,
  upstreamEventName,
} from './upstream-event.js';

const WRITE_ATTEMPTS = 5;

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
    // Optional: the defaults (cluster-addressed writes, event limits) unless registerUpstream is given options.
    @inject(UPSTREAM_OPTIONS, { isOptional: true }) options: UpstreamOptions = {},
    // Optional: tests bind a manual clock; unbound, the system clock.
    @inject(CLOCK, { isOptional: true }) clock: Clock = SYSTEM_CLOCK,
    // Optional: silent unless the composition root binds a logger.
    @inject(LOGGER, { isOptional: true }) private readonly logger: Logger = NOOP_LOGGER,
  ) {
    this.options = options;
    this.maxTracked = options.events?.maxTracked ?? 10_000;
    this.resolver = new OwnedObjectResolver(downstream, syncTarget.key, this.maxTracked, () => clock.now());
    this.bucket = new TokenBucket(options.events?.qps ?? 10, options.events?.burst ?? 25, clock);
  }

  async syncEvent({ item, event }: EventRequest): Promise<SyncResult> {
    const key = item.key;
    if (!(await this.eventsServed())) return noopResult(key, 'the upstream does not serve v1 events');
    const said = readEvent(event);
    const target = await this.eventTarget(said, event.metadata.namespace ?? '');
    if (typeof target === 'string') return noopResult(key, target);
    const name = upstreamEventName(target, said, this.syncTarget.key);
    const tally = this.fold(name, event.metadata.uid ?? event.metadata.name ?? '', said);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeEvent(key, name, target, said, tally);
      } catch (err) {
        const raced =
          isTmcError(err) &&
          (err.type === TmcErrorType.ResourceConflict || err.type === TmcErrorType.AlreadyExists);
        if (!raced || attempt >= WRITE_ATTEMPTS) throw err;
      }
    }
  }

  /** The upstream object a downstream Event is about, or why the Event stays downstream. */
  private async eventTarget(said: DownstreamEvent, eventNamespace: string): Promise<EventTarget | string> {
    if (said.involved === undefined) return 'event names no object';
    const owned = await this.resolver.resolve(said.involved, eventNamespace);
    if (owned === undefined) return 'event about an object this SyncTarget does not own';
    const locator = owned.namespace === '' ? undefined : await this.locators.locatorOf(owned.namespace);
    if (locator === undefined) return `downstream namespace ${owned.namespace} has no namespace locator`;
    if (!isSyncTargetLocator(locator, this.syncTarget)) {
      return `belongs to SyncTarget ${locator.syncTarget.cluster}:${locator.syncTarget.name}`;
    }
    const scope = upstreamScope(
      this.options.upstreamMode ?? 'virtual-workspace',
      locator.cluster,
      locator.namespace,
    );
    try {
      const object = await this.upstream.get(owned.gvr, { ...scope, name: owned.name });
      return { owned, namespace: locator.namespace, scope, object };
    } catch (err) {
      if (isTmcError(err) && err.type === TmcErrorType.NotFound) return 'upstream object is gone';
      throw err;
    }
  }

  /** One attempt to bring the upstream Event up to the tally: create it, or merge-patch count and time. */
  private async writeEvent(
    key: SyncResult['key'],
    name: string,
    target: EventTarget,
    said: DownstreamEvent,
    tally: Tally,
  ): Promise<SyncResult> {
    const { scope } = target;
    const total = tallyTotal(tally);
    const existing = await this.getEvent(scope, name);
    const existingCount = typeof existing?.count === 'number' ? existing.count : 0;
    const lastTimestamp = [text(existing?.lastTimestamp), tally.last].sort().at(-1) ?? tally.last;
    if (existing !== undefined && existingCount >= total && lastTimestamp === text(existing.lastTimestamp)) {
      return noopResult(key, 'upstream event up to date');
    }
    const wait = this.bucket.tryTake() ? 0 : Math.max(1, Math.ceil(this.bucket.delayUntilToken()));
    if (wait > 0) return { ...noopResult(key, 'rate limited'), retryAfterMs: wait };
    if (existing === undefined) {
      const body = newUpstreamEvent(name, target, said, tally, this.syncTarget.name);
      const object = await this.upstream.create(EVENTS_GVR, body, scope);
      return { key, operation: 'create', success: true, conflicts: [], object };
    }
    const object = await this.upstream.patch(EVENTS_GVR, { ...scope, name }, 'merge', {
      metadata: { resourceVersion: existing.metadata.resourceVersion },
      count: Math.max(existingCount, total),
      lastTimestamp,
    });
    return { key, operation: 'update', success: true, conflicts: [], object };
  }

  /** Whether the upstream serves v1 events, asked of its discovery once (a failed lookup is asked again). */
  private eventsServed(): Promise<boolean> {
    this.served ??= this.upstream.mapping(EVENTS_GVR).then(
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
      return await this.upstream.get(EVENTS_GVR, { ...scope, name });
    } catch (err) {
      if (isTmcError(err) && err.type === TmcErrorType.NotFound) return undefined;
      throw err;
    }
  }

  /** Records a downstream Event's latest count under its upstream Event (bounded: whole tallies are dropped). */
  private fold(name: string, downstreamUid: string, said: DownstreamEvent): Tally {
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
