import {
  DOWNSTREAM_KUBE_CLIENT,
  type GVR,
  type KubeClient,
  type KubeObject,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { OWNED_INFORMERS } from '../tokens.js';
import type { OwnedInformers } from './owned-informers.js';

/** Reads the live downstream object: from the cache when it can, from the server when it must. */
export interface LiveReader {
  /** `undefined`: not in a synced cache of our objects; `'unknown'`: no synced cache, ask the server. */
  cached(gvr: GVR, namespace: string, name: string): KubeObject | undefined | 'unknown';
  get(gvr: GVR, namespace: string, name: string): Promise<KubeObject | undefined>;
}

/** The default LiveReader: the engine's informers of our objects, then a GET (NotFound: undefined). */
@injectable()
export class DownstreamLiveReader implements LiveReader {
  constructor(
    @inject(DOWNSTREAM_KUBE_CLIENT) private readonly client: KubeClient,
    @inject(OWNED_INFORMERS) private readonly informers: OwnedInformers,
  ) {}

  cached(gvr: GVR, namespace: string, name: string): KubeObject | undefined | 'unknown' {
    return this.informers.cached(gvr, namespace, name);
  }

  async get(gvr: GVR, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(gvr, { name, ...(namespace === '' ? {} : { namespace }) });
    } catch (err) {
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return undefined;
      throw err;
    }
  }
}

/**
 * The live object, from the cache of our objects when it can answer: a GET only without a synced cache, or
 * when `writtenHere` (this process wrote the object, so a miss is most likely the informer lagging).
 */
export async function readLive(
  live: LiveReader,
  gvr: GVR,
  namespace: string,
  name: string,
  writtenHere: boolean,
): Promise<KubeObject | undefined> {
  const cached = live.cached(gvr, namespace, name);
  if (cached === 'unknown' || (cached === undefined && writtenHere)) return live.get(gvr, namespace, name);
  return cached;
}
