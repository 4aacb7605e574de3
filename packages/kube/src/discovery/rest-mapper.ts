import {
  type GVR,
  gvrToString,
  parseApiVersion,
  type ResourceMapping,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { clusterPrefix, groupVersionPath } from '../client/paths.js';
import { Transport } from '../http/transport.js';
import { REST_MAPPER_OPTIONS } from '../tokens.js';

/** One entry of a discovery `APIResourceList` (the fields we read). */
interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
  group?: string;
  version?: string;
}

interface APIResourceList {
  groupVersion?: string;
  resources?: APIResource[];
}

/** The resources of one group version, as discovery last reported them. */
interface GroupVersionEntry {
  fetchedAt: number;
  byResource: Map<string, ResourceMapping>;
  byKind: Map<string, ResourceMapping>;
}

type Pick = (entry: GroupVersionEntry) => ResourceMapping | undefined;

/** One mapping asked of one group version's discovery document. */
interface Query {
  readonly group: string;
  readonly version: string;
  readonly pick: Pick;
}

export interface RestMapperOptions {
  /** Logical cluster whose discovery documents are read (kcp); absent: the base URL's own. */
  cluster?: string;
  /**
   * A miss refetches the group version unless it was fetched less than this long ago (ms), so a loop asking
   * for a resource that does not exist cannot hammer the server. Default 1 s.
   */
  missRefetchIntervalMs?: number;
  now?: () => number;
}

/**
 * REST mapping from discovery: GVR <-> kind, namespaced or not, subresources and verbs. Each group version
 * is fetched on first use (`/api/v1`, `/apis/<g>/<v>`), cached, and refetched when a lookup misses (a CRD
 * was just installed). Concurrent lookups share one fetch.
 */
@injectable()
export class RestMapper {
  private readonly entries = new Map<string, GroupVersionEntry>();
  private readonly inflight = new Map<string, Promise<GroupVersionEntry>>();
  private readonly cluster: string | undefined;
  private readonly missRefetchIntervalMs: number;
  private readonly now: () => number;

  constructor(
    @inject(Transport) private readonly transport: Transport,
    // Optional: plain discovery of the connection's server unless registerKube names a logical cluster.
    @inject(REST_MAPPER_OPTIONS, { isOptional: true }) options: RestMapperOptions = {},
  ) {
    this.cluster = options.cluster;
    this.missRefetchIntervalMs = options.missRefetchIntervalMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /**
   * `cluster` is the logical cluster the request addresses (kcp), `*` for a wildcard request. A CRD is served
   * only in the logical clusters that define it, so a miss in the base discovery is looked up in that cluster's
   * own (`/clusters/<name>/apis/...`, or the wildcard's union of every cluster's).
   */
  async mapping(gvr: GVR, cluster?: string): Promise<ResourceMapping> {
    const pick: Pick = (e) => e.byResource.get(gvr.resource);
    const found = await this.lookupIn(cluster, { group: gvr.group, version: gvr.version, pick });
    if (found === undefined) {
      throw notFound(`the server does not serve resource ${gvrToString(gvr)}`);
    }
    return found;
  }

  async mappingForKind(apiVersion: string, kind: string, cluster?: string): Promise<ResourceMapping> {
    const { group, version } = parseApiVersion(apiVersion);
    const found = await this.lookupIn(cluster, { group, version, pick: (e) => e.byKind.get(kind) });
    if (found === undefined) {
      throw notFound(`no matches for kind "${kind}" in version "${apiVersion}"`);
    }
    return found;
  }

  /** Forgets everything; the next lookups refetch. */
  reset(): void {
    this.entries.clear();
  }

  private async lookupIn(cluster: string | undefined, query: Query): Promise<ResourceMapping | undefined> {
    // Built-ins (and CRDs of the base cluster) hit the base discovery, so one cache serves every cluster.
    const found = await this.lookup(this.cluster, query);
    if (found !== undefined || cluster === undefined || cluster === '' || cluster === this.cluster)
      return found;
    return this.lookup(cluster, query);
  }

  private async lookup(cluster: string | undefined, query: Query): Promise<ResourceMapping | undefined> {
    const { group, version, pick } = query;
    const key = `${cluster ?? ''}|${group}/${version}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      const hit = pick(cached);
      if (hit !== undefined) return hit;
      if (this.now() - cached.fetchedAt < this.missRefetchIntervalMs) return undefined;
    }
    let entry: GroupVersionEntry;
    try {
      entry = await this.fetch(cluster, group, version);
    } catch (err) {
      // A group version the server does not serve at all is a miss like any other.
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) {
        this.entries.set(key, { fetchedAt: this.now(), byResource: new Map(), byKind: new Map() });
        return undefined;
      }
      throw err;
    }
    return pick(entry);
  }

  private fetch(cluster: string | undefined, group: string, version: string): Promise<GroupVersionEntry> {
    const key = `${cluster ?? ''}|${group}/${version}`;
    const running = this.inflight.get(key);
    if (running !== undefined) return running;
    const path = clusterPrefix(cluster) + groupVersionPath(group, version);
    const promise = this.transport
      .json<APIResourceList>({ method: 'GET', path, operation: `GET discovery ${path}` })
      .then((list) => {
        const entry = buildEntry(group, version, list, this.now());
        this.entries.set(key, entry);
        return entry;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }
}

function buildEntry(group: string, version: string, list: APIResourceList, now: number): GroupVersionEntry {
  const resources = list.resources ?? [];
  // Subresources are listed as `<resource>/<sub>` beside their resource.
  const subresources = new Map<string, string[]>();
  for (const r of resources) {
    const slash = r.name.indexOf('/');
    if (slash < 0) continue;
    const parent = r.name.slice(0, slash);
    const subs = subresources.get(parent) ?? [];
    subs.push(r.name.slice(slash + 1));
    subresources.set(parent, subs);
  }
  const byResource = new Map<string, ResourceMapping>();
  const byKind = new Map<string, ResourceMapping>();
  for (const r of resources) {
    if (r.name.includes('/')) continue;
    const mapping: ResourceMapping = {
      gvr: { group, version, resource: r.name },
      kind: r.kind,
      namespaced: r.namespaced,
      subresources: subresources.get(r.name) ?? [],
      verbs: r.verbs ?? [],
    };
    byResource.set(r.name, mapping);
    // The first resource of a kind is its canonical one, as in client-go's mapper.
    if (!byKind.has(r.kind)) byKind.set(r.kind, mapping);
  }
  return { fetchedAt: now, byResource, byKind };
}

function notFound(message: string): TmcError {
  return new TmcError({ type: TmcErrorType.NotFound, message, reason: 'NotFound' });
}
