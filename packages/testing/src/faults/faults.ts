import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiError, internalError, serviceUnavailable, tooManyRequests } from '../api/status.js';
import { sendError } from '../server/respond.js';
import type { RequestInfo, RequestInterceptor } from '../server/server.js';
import { mulberry32 } from './prng.js';

export interface FaultRule {
  /** Kube verb (get, list, watch, create, update, patch, delete, deletecollection); all when omitted. */
  verb?: string;
  /** Plural resource, group-qualified for non-core groups (`deployments.apps`); all when omitted. */
  resource?: string;
  status: 429 | 500 | 503;
  /** Probability in [0, 1] that a matching request fails. */
  rate: number;
  /** Retry-After for 429/503 (default 1). */
  retryAfterSeconds?: number;
}

export type Latency = number | { min: number; max: number };

export interface FaultOptions {
  seed?: number;
  latency?: Latency;
  rules?: FaultRule[];
}

export interface FaultState {
  latency: Latency;
  rules: FaultRule[];
  partitioned: 'refuse' | 'hang' | null;
  paused: boolean;
  heldRequests: number;
}

/** What the fault controller needs from the server it controls. */
export interface FaultTarget {
  dropWatches(): number;
  compact(): void;
  stopListening(): Promise<void>;
  resumeListening(): Promise<void>;
  destroyConnections(): void;
}

/**
 * Seedable, scriptable fault injection while the simulator runs: latency, error rates per verb and
 * resource, dropped watches, history compaction (forces 410), network partitions and pause/resume.
 */
export class FaultController implements RequestInterceptor {
  private random: () => number;
  private latency: Latency = 0;
  private rules: FaultRule[] = [];
  private partitionMode: 'refuse' | 'hang' | undefined;
  private readonly held = new Set<ServerResponse>();
  private pausedWaiters: (() => void)[] | undefined;
  private target: FaultTarget | undefined;

  constructor(options: FaultOptions = {}) {
    this.random = mulberry32(options.seed ?? 1);
    if (options.latency !== undefined) this.latency = options.latency;
    for (const r of options.rules ?? []) this.addRule(r);
  }

  /** Connects the controller to its server (done by startKubeSimulator). */
  attach(target: FaultTarget): void {
    this.target = target;
  }

  seed(n: number): void {
    this.random = mulberry32(n);
  }

  setLatency(latency: Latency): void {
    this.latency = latency;
  }

  addRule(rule: FaultRule): void {
    if (![429, 500, 503].includes(rule.status))
      throw new Error(`fault status must be 429, 500 or 503, got ${rule.status}`);
    if (!(rule.rate >= 0 && rule.rate <= 1))
      throw new Error(`fault rate must be within [0, 1], got ${rule.rate}`);
    this.rules.push({ ...rule });
  }

  clearRules(): void {
    this.rules = [];
  }

  /** Ends every open watch stream (clients see the response end and re-watch). */
  dropWatches(): number {
    return this.target?.dropWatches() ?? 0;
  }

  /** Drops all watch history: resuming any earlier resourceVersion then gets 410 Expired. */
  compact(): void {
    this.target?.compact();
  }

  /** Cuts the network: `refuse` closes the listener (ECONNREFUSED), `hang` accepts and never answers. */
  async partition(mode: 'refuse' | 'hang' = 'refuse'): Promise<void> {
    if (this.partitionMode) await this.heal();
    this.partitionMode = mode;
    if (mode === 'refuse') await this.target?.stopListening();
    else this.target?.destroyConnections();
  }

  async heal(): Promise<void> {
    const mode = this.partitionMode;
    this.partitionMode = undefined;
    for (const res of this.held) res.destroy();
    this.held.clear();
    if (mode === 'refuse') await this.target?.resumeListening();
  }

  /** Holds every request (and the fake controllers) until resume(). */
  pause(): void {
    this.pausedWaiters ??= [];
  }

  resume(): void {
    const waiters = this.pausedWaiters;
    this.pausedWaiters = undefined;
    for (const w of waiters ?? []) w();
  }

  get paused(): boolean {
    return this.pausedWaiters !== undefined;
  }

  /** What is injected now, for the control endpoint and logs. */
  snapshot(): FaultState {
    return {
      latency: this.latency,
      rules: this.rules.map((r) => ({ ...r })),
      partitioned: this.partitionMode ?? null,
      paused: this.paused,
      heldRequests: this.heldRequests,
    };
  }

  /** Replaces latency and rules (and reseeds when a seed is given): a chaos script's next phase. */
  configure(options: FaultOptions): void {
    if (options.seed !== undefined) this.seed(options.seed);
    this.setLatency(options.latency ?? 0);
    this.clearRules();
    for (const r of options.rules ?? []) this.addRule(r);
  }

  /** Requests currently held by pause() or a hanging partition. */
  get heldRequests(): number {
    return (this.pausedWaiters?.length ?? 0) + this.held.size;
  }

  get partitioned(): 'refuse' | 'hang' | undefined {
    return this.partitionMode;
  }

  /** Resolves when not paused (immediately if running). */
  waitUntilResumed(): Promise<void> {
    if (!this.pausedWaiters) return Promise.resolve();
    return new Promise((resolve) => this.pausedWaiters!.push(resolve));
  }

  private delayMs(): number {
    const l = this.latency;
    if (typeof l === 'number') return l;
    return l.min + this.random() * (l.max - l.min);
  }

  private injected(info: RequestInfo): ApiError | undefined {
    for (const rule of this.rules) {
      if (rule.verb !== undefined && rule.verb !== info.verb) continue;
      if (rule.resource !== undefined && rule.resource !== info.resource) continue;
      if (this.random() >= rule.rate) continue;
      const retryAfter = rule.retryAfterSeconds ?? 1;
      if (rule.status === 429) return tooManyRequests(retryAfter);
      if (rule.status === 503)
        return serviceUnavailable('the server is currently unable to handle the request', retryAfter);
      return internalError('injected fault');
    }
    return undefined;
  }

  async intercept(info: RequestInfo, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (this.partitionMode === 'hang') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return false;
    }
    if (this.pausedWaiters) await this.waitUntilResumed();
    const delay = this.delayMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const err = this.injected(info);
    if (err) {
      req.resume();
      sendError(res, err);
      return false;
    }
    return true;
  }
}
