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
class AccessReviews {
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
}

/** What the engine must never call on the downstream client: each throws, naming itself. */
const UNUSED = [
  'get',
  'list',
  'update',
  'updateStatus',
  'patch',
  'delete',
  'watch',
  'request',
  'mappingForKind',
] as const satisfies ReadonlyArray<keyof KubeClient>;

/** AccessReviews as a whole KubeClient whose other methods throw. */
export type FakeAccessClient = AccessReviews & KubeClient;
export const FakeAccessClient = class extends AccessReviews {
  constructor() {
    super();
    for (const name of UNUSED) {
      Object.defineProperty(this, name, {
        value: () => {
          throw new Error(`FakeAccessClient.${name} is not used by the engine`);
        },
      });
    }
  }
} as unknown as new () => FakeAccessClient;
