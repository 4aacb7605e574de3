import type { GVR } from '@kcp-tmc/interfaces';
import type { Observable } from 'rxjs';
import type { AccessDecision } from './access-review.js';
import type { DropCause } from './sync-target-conditions.js';

/** What the engine should sync now. */
export interface GvrSet {
  /** GVRs to run a controller for, namespaces first. */
  readonly allowed: readonly GVR[];
  /** GVRs left out, keyed by `gvrToString`, with why. */
  readonly dropped: Readonly<Record<string, string>>;
  /** The dropped GVRs whose SelfSubjectAccessReview was denied (kcp's SyncerAuthorized). */
  readonly unauthorized: readonly string[];
  /** Why each dropped GVR is out, when known (SyncTarget conditions name the cause). */
  readonly causes?: Readonly<Record<string, DropCause>>;
  /** Set when the SyncTarget must not be served at all (its uid is not the configured one, or it is gone). */
  readonly error?: string;
  /** The error ends the agent: the SyncTarget was deleted, so there is nothing left to serve. */
  readonly fatal?: boolean;
}

export const EMPTY_GVR_SET: GvrSet = Object.freeze({ allowed: [], dropped: {}, unauthorized: [] });

/** The desired GVR set, kept current; the engine starts and stops controllers from it. */
export interface GvrSource {
  /** Reads the SyncTarget (when the TMC gate is on), checks access, and returns the first set. */
  start(signal?: AbortSignal): Promise<GvrSet>;
  current(): GvrSet;
  /** Every change of the set, from subscription on; completes on `stop`. */
  readonly changes$: Observable<GvrSet>;
  /** One SelfSubjectAccessReview against the downstream. */
  checkAccess(gvr: GVR, verb: string): Promise<AccessDecision>;
  stop(): Promise<void>;
}
