import type { GVR } from '../gvr.js';
import type { Informer } from './kube.js';

/**
 * One side's informers as the engine's controllers watch with them: the selector, cluster, resync period and
 * indexers are decided in one place (the engine), and every other reader of a GVR on that side takes its
 * informer from here instead of re-deriving those options. A copy that drifted would get a second informer from
 * the shared factory, one nobody starts, and every read through it would go to the server.
 */
export interface SyncerInformers {
  /** The informer for a GVR: the same object until released. The engine's controller starts it. */
  informerFor(gvr: GVR): Informer;
  /** Stops and forgets it (the GVR left the SyncTarget). */
  release(gvr: GVR): Promise<void>;
}
