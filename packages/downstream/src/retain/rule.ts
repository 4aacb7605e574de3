import type { GVR, KubeObject } from '@kcp-tmc/interfaces';

export interface RetainInput {
  readonly gvr: GVR;
  /** The desired object; a rule edits it in place. */
  readonly desired: KubeObject;
  /** The live downstream object. */
  readonly live: KubeObject;
  /** What we applied last time, when known (tells others' labels from ours we dropped). */
  readonly lastApplied: KubeObject | undefined;
}

/**
 * Keeps a downstream-owned field of the live object in the desired one, so our write neither clears what the
 * cluster allocated (a Service's clusterIP) nor fights another controller (an HPA's replicas).
 */
export interface RetentionRule {
  readonly name: string;
  /** `Kind` the rule applies to (`Service`), or `*` for every object. */
  readonly kind: string;
  /** Optional API group check (absent: any). */
  readonly group?: string;
  retain(input: RetainInput): void;
  /**
   * Removes values the upstream cluster allocated for itself (its own clusterIP, a Job's generated selector)
   * from the desired object before it is hashed: the downstream cluster allocates its own.
   */
  clear?(desired: KubeObject): void;
}
