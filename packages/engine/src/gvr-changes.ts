import { EVENTS_GVR, gvrToString, type Logger } from '@kcp-tmc/interfaces';
import type { Subscription } from 'rxjs';
import { downstreamGrantHint, EVENT_VERBS } from './access-review.js';
import type { ControllerSet } from './controller/controller-set.js';
import type { GvrSet, GvrSource } from './gvr-set.js';
import type { MissingResourceEvents } from './missing-resource-events.js';
import type { SyncStatusTracker } from './sync-status.js';
import type { SyncTargetConditionReporter } from './sync-target-conditions.js';

export interface GvrChangeParts {
  readonly gvrSource: GvrSource;
  readonly controllers: ControllerSet;
  readonly status: SyncStatusTracker;
  readonly conditions: SyncTargetConditionReporter;
  readonly missing: MissingResourceEvents;
  readonly logger: Logger;
  /** Aborted when the engine stops: no set is applied after. */
  readonly signal: AbortSignal;
}

/**
 * Follows the GvrSource: starts controllers for new GVRs and stops those no longer wanted, one change at a time
 * and always to the latest set; a change seen before the workers run waits for them.
 */
export class GvrChanges {
  private running = false;
  private pending = false;
  private chain: Promise<void> = Promise.resolve();
  private subscription: Subscription | undefined;

  constructor(private readonly parts: GvrChangeParts) {}

  /** Subscribes to the source's changes; a fatal set goes to `halt` instead. */
  follow(halt: (reason: string) => void): void {
    this.subscription = this.parts.gvrSource.changes$.subscribe((set) =>
      set.fatal === true ? halt(set.error ?? 'fatal') : this.changed(),
    );
  }

  unfollow(): void {
    this.subscription?.unsubscribe();
  }

  /** The workers run: apply a change seen before, and every change from now on. */
  run(): void {
    this.running = true;
    if (this.pending) this.changed();
  }

  changed(): void {
    if (!this.running) {
      this.pending = true;
      return;
    }
    this.pending = false;
    this.chain = this.chain.then(() => this.apply(this.parts.gvrSource.current()));
  }

  /** Resolves once the change in progress (if any) is applied. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Applies one set (Events stay: they are not a GVR of the set). */
  async apply(set: GvrSet): Promise<void> {
    const { controllers, status, logger, signal } = this.parts;
    if (signal.aborted) return;
    if (set.error !== undefined) {
      status.error = set.error;
      logger.error('GVR source refuses the SyncTarget; keeping the running controllers', {
        error: set.error,
      });
      return;
    }
    const started = await controllers.reconcile(set.allowed);
    if (this.running) {
      for (const name of started) {
        logger.info('started controller', { gvr: name });
        controllers
          .get(name)
          ?.waitForSync(signal)
          .then(
            () => logger.info('controller caches synced', { gvr: name }),
            () => {},
          );
      }
    }
    const dropped = { ...set.dropped };
    const events = status.droppedResources[gvrToString(EVENTS_GVR)];
    if (events !== undefined) dropped[gvrToString(EVENTS_GVR)] = events;
    status.droppedResources = dropped;
    status.unauthorizedResources = set.unauthorized;
    await this.parts.conditions.report(set);
    // In the background: listing a missing resource's objects upstream must not hold up the GVR change.
    void this.parts.missing.report(set, signal);
  }

  /** Downstream Events, when the downstream lets us watch them. */
  async startEvents(): Promise<void> {
    const { gvrSource, controllers, status, logger } = this.parts;
    const name = gvrToString(EVENTS_GVR);
    const decisions = await Promise.all(EVENT_VERBS.map((verb) => gvrSource.checkAccess(EVENTS_GVR, verb)));
    const denied = EVENT_VERBS.filter((_, i) => decisions[i]?.allowed !== true);
    if (denied.length > 0) {
      const reason = `${decisions.find((d) => !d.allowed)?.reason ?? 'not allowed'}; ${downstreamGrantHint(EVENTS_GVR, denied)}`;
      status.droppedResources = { ...status.droppedResources, [name]: reason };
      logger.warn('missing downstream permission: events not copied upstream', {
        side: 'downstream',
        gvr: name,
        reason,
      });
      return;
    }
    controllers.add(EVENTS_GVR, true);
  }
}
