import {
  type GVR,
  gvrToString,
  type KubeClient,
  type KubeObject,
  type ResourceMapping,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

/**
 * A downstream KubeClient for what the engine asks of it: SelfSubjectAccessReviews (answered from `denied`
 * and `failing`) and REST mappings (from `served`). Every other call throws: the engine must not make it.
 */
export class FakeAccessClient implements KubeClient {
  /** GVR strings (every verb) or `<gvr> <verb>` whose review says "not allowed", with the reason. */
  readonly denied = new Map<string, string>();
  /** GVR strings whose review fails with this error. */
  readonly failing = new Map<string, TmcError>();
  /** GVR strings served by discovery; undefined serves everything. */
  served: Set<string> | undefined;
  readonly reviews: Array<{ gvr: string; verb: string }> = [];

  async create(gvr: GVR, object: KubeObject): Promise<KubeObject> {
    if (gvr.group !== 'authorization.k8s.io' || gvr.resource !== 'selfsubjectaccessreviews') {
      throw new Error(`unexpected create of ${gvrToString(gvr)}`);
    }
    const attributes = (object.spec as { resourceAttributes: Record<string, string> }).resourceAttributes;
    const reviewed = gvrToString({
      group: attributes.group ?? '',
      version: attributes.version ?? '',
      resource: attributes.resource ?? '',
    });
    this.reviews.push({ gvr: reviewed, verb: attributes.verb ?? '' });
    const failure = this.failing.get(reviewed);
    if (failure !== undefined) throw failure;
    const reason = this.denied.get(`${reviewed} ${attributes.verb ?? ''}`) ?? this.denied.get(reviewed);
    return { ...object, status: reason === undefined ? { allowed: true } : { allowed: false, reason } };
  }

  async mapping(gvr: GVR): Promise<ResourceMapping> {
    if (this.served !== undefined && !this.served.has(gvrToString(gvr))) {
      throw new TmcError({
        type: TmcErrorType.NotFound,
        message: `the server could not find ${gvrToString(gvr)}`,
      });
    }
    const kind = gvr.resource.replace(/s$/, '');
    return {
      gvr,
      kind: kind.charAt(0).toUpperCase() + kind.slice(1),
      namespaced: gvr.resource !== 'namespaces' && gvr.resource !== 'persistentvolumes',
      subresources: ['status'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    };
  }

  private unused(name: string): never {
    throw new Error(`FakeAccessClient.${name} is not used by the engine`);
  }
  get(): Promise<KubeObject> {
    return this.unused('get');
  }
  list(): never {
    return this.unused('list');
  }
  update(): never {
    return this.unused('update');
  }
  updateStatus(): never {
    return this.unused('updateStatus');
  }
  patch(): never {
    return this.unused('patch');
  }
  delete(): never {
    return this.unused('delete');
  }
  watch(): never {
    return this.unused('watch');
  }
  request(): never {
    return this.unused('request');
  }
  mappingForKind(): never {
    return this.unused('mappingForKind');
  }
}
