import type { Informer, InformerFactory, InformerOptions, KubeClient } from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { INFORMER_CONFIG, KUBE_CLIENT } from '../tokens.js';
import type { InformerConfig } from './config.js';
import { SharedInformer } from './shared-informer.js';

/** What makes two informers the same: everything but the indexers (those are merged). */
function informerKey(options: InformerOptions): string {
  const g = options.gvr;
  return JSON.stringify([
    g.group,
    g.version,
    g.resource,
    options.cluster ?? '',
    options.namespace ?? '',
    options.labelSelector ?? '',
    options.fieldSelector ?? '',
    options.resyncPeriodMs ?? 0,
  ]);
}

/** An informer a factory can hand out again, adding the indexers a later caller asks for. */
export interface IndexableInformer extends Informer {
  addIndexers(indexers: NonNullable<InformerOptions['indexers']>): void;
}

/**
 * The bookkeeping of an InformerFactory: one informer per distinct watch (GVR, cluster, namespace, selectors,
 * resync period), made by `create`; asking again with more indexers adds them to the existing informer.
 * Informers are started by the caller.
 */
export abstract class KeyedInformerFactory<I extends IndexableInformer> implements InformerFactory {
  /** Every informer handed out and not released, by its watch. */
  readonly informers = new Map<string, I>();

  protected abstract create(options: InformerOptions): I;

  /** Keys of the options objects seen: callers that keep theirs (the engine's) are keyed once. */
  private readonly keys = new WeakMap<InformerOptions, string>();

  informerFor(options: InformerOptions): I {
    const key = this.keyOf(options);
    const existing = this.informers.get(key);
    if (existing !== undefined) {
      if (options.indexers !== undefined) existing.addIndexers(options.indexers);
      return existing;
    }
    const informer = this.create(options);
    this.informers.set(key, informer);
    return informer;
  }

  async release(options: InformerOptions): Promise<void> {
    const key = this.keyOf(options);
    const informer = this.informers.get(key);
    if (informer === undefined) return;
    this.informers.delete(key);
    await informer.stop();
  }

  private keyOf(options: InformerOptions): string {
    let key = this.keys.get(options);
    if (key === undefined) {
      key = informerKey(options);
      this.keys.set(options, key);
    }
    return key;
  }

  /** Every informer handed out and not released. */
  all(): I[] {
    return Array.from(this.informers.values());
  }

  async stop(): Promise<void> {
    const all = Array.from(this.informers.values());
    this.informers.clear();
    await Promise.all(all.map((informer) => informer.stop()));
  }
}

/** Hands out one shared, list+watching informer per distinct watch. */
@injectable()
export class SharedInformerFactory extends KeyedInformerFactory<SharedInformer> {
  constructor(
    @inject(KUBE_CLIENT) private readonly client: KubeClient,
    // Optional: unbound, the informers' defaults (cluster annotation, backoff).
    @inject(INFORMER_CONFIG, { isOptional: true }) private readonly config: InformerConfig = {},
  ) {
    super();
  }

  protected create(options: InformerOptions): SharedInformer {
    return new SharedInformer(this.client, options, this.config);
  }
}
