import type { Clock, Logger } from '@kcp-tmc/interfaces';
import type { BackoffOptions } from '../flowcontrol/backoff.js';

/** How informers behave, beyond what they watch. Shared by every informer of a factory. */
export interface InformerConfig {
  /**
   * kcp modes read an object's logical cluster from its `kcp.io/cluster` annotation (default true). Plain
   * mode turns this off and keys every object under {@link clusterName}.
   */
  useClusterAnnotation?: boolean;
  /**
   * The cluster of objects without the annotation: plain mode's configured constant. Default: the informer's
   * own cluster when it names one, else `default`.
   */
  clusterName?: string;
  /** List page size. Default 500. */
  pageSize?: number;
  /** Restart backoff. Default 800 ms doubling to 30 s, +-20% jitter. */
  backoff?: Partial<BackoffOptions>;
  /** A watch silent this long (no event, no bookmark) is restarted (ms). Default 5 minutes. */
  staleAfterMs?: number;
  /** Server-side watch timeout range (s). Default 5 to 10 minutes, as client-go. */
  watchTimeoutSeconds?: { min: number; max: number };
  clock?: Clock;
  logger?: Logger;
}
