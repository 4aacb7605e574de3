import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type Clock,
  type GVR,
  gvr,
  isTmcError,
  type KubeClient,
  type KubeObject,
  type LeaderElection,
  type Logger,
  NOOP_LOGGER,
  SYSTEM_CLOCK,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { type LeaseSpec, microTime, observedLease, takeOver } from './lease.js';

export const LEASES: GVR = gvr('coordination.k8s.io', 'v1', 'leases');

export interface LeaseElectorOptions {
  /** The client of the cluster holding the Lease (the agent's downstream). */
  client: KubeClient;
  namespace: string;
  name: string;
  /** Default `<hostname>_<uuid>`, as client-go's. */
  identity?: string;
  /** How long a standby waits after the last observed renewal before taking over (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leadership (default 10 s). */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
}

type Attempt = 'held' | 'taken' | 'busy';

/**
 * Leader election on a coordination.k8s.io Lease, with client-go's rules: a lease is expired once no
 * renewal was observed for its duration (measured on this replica's clock, so clock skew between replicas
 * does not matter), writes carry the resourceVersion read, and a leader that cannot renew within the renew
 * deadline gives up before a standby may take over.
 */
export class LeaseElector implements LeaderElection {
  readonly identity: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leader = false;
  private lastRenewal = 0;
  private observed: { spec: LeaseSpec; at: number } | undefined;
  private campaign: Promise<void> | undefined;
  private stopped = false;
  private lostReason: string | undefined;
  private timer: unknown;
  private deadline: unknown;
  private wake: (() => void) | undefined;
  private readonly waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private readonly lostListeners = new Set<(reason: string) => void>();

  constructor(private readonly options: LeaseElectorOptions) {
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.logger = (options.logger ?? NOOP_LOGGER).child({ lease: `${options.namespace}/${options.name}` });
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs))
      throw new RangeError('leader election needs lease duration > renew deadline > retry period');
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (this.leader) return Promise.resolve();
    if (this.lostReason !== undefined)
      return Promise.reject(new Error(`leadership lost: ${this.lostReason}`));
    signal?.throwIfAborted();
    this.campaign ??= this.run();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (then: () => void) => {
        signal?.removeEventListener('abort', onAbort);
        then();
      };
      this.waiters.push({
        resolve: () => settle(resolve),
        reject: (err) => settle(() => reject(err)),
      });
    });
  }

  isLeader(): boolean {
    return this.leader && this.clock.now() - this.lastRenewal < this.renewDeadlineMs;
  }

  onLost(listener: (reason: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async release(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.deadline);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('leader election stopped'));
    this.clock.clearTimeout(this.timer);
    this.wake?.();
    await this.campaign;
    if (!this.leader) return;
    this.leader = false;
    try {
      const lease = await this.options.client.get(LEASES, this.ref(), { timeoutMs: this.retryPeriodMs });
      const spec = (lease.spec ?? {}) as LeaseSpec;
      if (spec.holderIdentity !== this.identity) return;
      const now = microTime(this.clock.now());
      // A one-second lease with no holder: a standby takes over on its next attempt.
      const released = {
        ...spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: now,
        acquireTime: now,
      };
      await this.options.client.update(LEASES, { ...lease, spec: released }, this.ref(), {
        timeoutMs: this.retryPeriodMs,
      });
      this.logger.info('released the lease');
    } catch (err) {
      this.logger.warn('could not release the lease; a standby takes over once it expires', { error: err });
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const attempt = await this.tryAcquireOrRenew();
      if (this.stopped) return;
      if (attempt === 'taken') {
        this.lastRenewal = this.clock.now();
        this.armRenewDeadline();
        if (!this.leader) this.becomeLeader();
      } else if (this.leader && attempt === 'held') {
        return this.lose('another replica holds the lease');
      }
      await this.sleep(this.retryPeriodMs);
    }
  }

  /** A timer, not the loop, ends leadership: a renewal stuck in retries must not keep a stale leader writing. */
  private armRenewDeadline(): void {
    this.clock.clearTimeout(this.deadline);
    this.deadline = this.clock.setTimeout(
      () => this.lose(`no renewal within the renew deadline (${this.renewDeadlineMs} ms)`),
      this.renewDeadlineMs,
    );
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    // As client-go's renew loop: a renewal may take until the renew deadline (the client's own retries
    // included), not one retry period, so a slow server or a busy process does not lose a lease it could
    // still renew; an acquisition gets one renew deadline.
    const timeoutMs = this.leader
      ? Math.max(1, this.lastRenewal + this.renewDeadlineMs - this.clock.now())
      : this.renewDeadlineMs;
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(new Error('lease attempt timed out')), timeoutMs);
    try {
      return await this.attempt({ timeoutMs, signal: abort.signal });
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private async attempt(request: { timeoutMs: number; signal: AbortSignal }): Promise<Attempt> {
    const { client } = this.options;
    const now = this.clock.now();
    const durationSeconds = Math.ceil(this.leaseDurationMs / 1000);
    let lease: KubeObject;
    try {
      lease = await client.get(LEASES, this.ref(), request);
    } catch (err) {
      if (!isTmcError(err) || err.type !== TmcErrorType.NotFound) return this.failed('get', err);
      const spec = takeOver(undefined, this.identity, durationSeconds, now);
      const object = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: this.metadata(), spec };
      return client.create(LEASES, object, this.ref(), request).then(
        () => 'taken',
        (e: unknown) => this.failed('create', e),
      );
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    this.observed = observedLease(this.observed, spec, now);
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== '' && holder !== this.identity && now - this.observed.at < durationMs) return 'held';
    const next = takeOver(spec, this.identity, durationSeconds, now);
    return client.update(LEASES, { ...lease, spec: next }, this.ref(), request).then(
      () => 'taken',
      (e: unknown) => this.failed('update', e),
    );
  }

  private failed(verb: string, err: unknown): Attempt {
    // 409: another replica wrote in between; the next attempt reads what it wrote.
    const conflict = isTmcError(err) && err.type === TmcErrorType.ResourceConflict;
    this.logger.debug('lease attempt failed', { verb, error: err }, conflict ? 4 : 2);
    if (!conflict)
      this.logger.warn('cannot reach the lease', { verb, error: isTmcError(err) ? err.message : err });
    return 'busy';
  }

  private becomeLeader(): void {
    this.leader = true;
    this.logger.info('acquired the lease', { identity: this.identity });
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  private lose(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.clock.clearTimeout(this.deadline);
    this.clock.clearTimeout(this.timer);
    this.wake?.();
    this.leader = false;
    this.stopped = true;
    this.lostReason = reason;
    this.logger.error('leadership lost', { reason });
    for (const listener of this.lostListeners) listener(reason);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = this.clock.setTimeout(resolve, ms);
    });
  }

  private ref() {
    return { namespace: this.options.namespace, name: this.options.name };
  }

  private metadata() {
    return { name: this.options.name, namespace: this.options.namespace };
  }
}
