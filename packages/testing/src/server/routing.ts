import type { IncomingMessage } from 'node:http';
import { type ResourceRegistry, WILDCARD_CLUSTER } from '../api/registry.js';
import type { ResourceType } from '../api/resource-type.js';
import { forbidden, methodNotAllowed, PlainNotFound, pathNotFound } from '../api/status.js';
import type { ObjectView, Target } from '../api/target.js';
import type { KubeObject } from '../api/types.js';
import { type AccessRules, deniedReason, selectedName } from './access-review.js';
import type { ClusterPrefix, ParsedPath } from './paths.js';
import { verbOf } from './resource-handlers.js';

// How the listener routes a request before a resource handler serves it: what it is about, which logical
// cluster or syncer virtual workspace it addresses, whether access rules allow it, and its resource type.

/** What a request is about, for fault rules and stats. */
export interface RequestInfo {
  method: string;
  path: string;
  verb: string;
  /** Plural resource (group-qualified for non-core groups), undefined for non-resource paths. */
  resource: string | undefined;
  subresource: string | undefined;
}

/** How kcp paths resolve: logical clusters and the syncer virtual workspace. */
export interface ClusterResolver {
  /** The cluster of a path without `/clusters/...` (plain mode: the only cluster). */
  defaultCluster: string;
  /** Whether `/clusters/<name>` prefixes are served (kcp mode). */
  kcp: boolean;
  /** Called once per named logical cluster before it is used (creates its default namespace). */
  ensureCluster(cluster: string): void;
  /** A syncer virtual workspace, or an ApiError when its SyncTarget does not exist. */
  syncerView?(coords: { cluster: string; syncTarget: string; uid: string; upsyncer?: true }): SyncerWorkspace;
  /** What discovery lists inside a syncer virtual workspace. */
  syncerDiscovery?(workspace: SyncerWorkspace): Pick<ResourceRegistry, 'groups' | 'resourcesIn'>;
}

/** kcp's syncer virtual workspace of one SyncTarget. */
export interface SyncerWorkspace {
  /** The SyncTarget key (labels, annotations and finalizers carry it). */
  key: string;
  /** Whether the workspace serves a resource at a version. */
  serves(rt: ResourceType, version: string): boolean;
  /** Objects outside the workspace answer 404. */
  visible(cluster: string, obj: KubeObject): boolean;
  view: ObjectView;
  /** Its storage's verbs (the upsyncer's); default the syncer's. */
  verbs?: ReadonlySet<string>;
}

/** The syncer virtual workspace's storage offers get, list, watch, update and patch only. */
const SYNCER_VERBS = new Set(['get', 'list', 'watch', 'update', 'patch']);

export type ResourcePath = Extract<ParsedPath, { kind: 'resource' }>;

export function requestInfo(method: string, url: URL, parsed: ParsedPath): RequestInfo {
  const info: RequestInfo = {
    method,
    path: url.pathname,
    verb: method.toLowerCase(),
    resource: undefined,
    subresource: undefined,
  };
  if (parsed.kind === 'resource') {
    info.verb = verbOf(method, parsed, url.searchParams, parsed.watch);
    info.resource = parsed.group ? `${parsed.resource}.${parsed.group}` : parsed.resource;
    info.subresource = parsed.subresource;
  } else if (method === 'GET') {
    info.verb = 'get';
  }
  return info;
}

/** The logical cluster and syncer virtual workspace a path prefix addresses; paths kcp does not serve are 404s. */
export function resolvePrefix(
  prefix: ClusterPrefix,
  resolver: ClusterResolver,
): { cluster: string; workspace: SyncerWorkspace | undefined } {
  if ((prefix.cluster !== undefined || prefix.syncer !== undefined) && !resolver.kcp)
    throw new PlainNotFound();
  if (prefix.syncer !== undefined && prefix.cluster === undefined) throw new PlainNotFound();
  const cluster = prefix.cluster ?? resolver.defaultCluster;
  if (cluster !== '*') resolver.ensureCluster(cluster);
  if (!prefix.syncer) return { cluster, workspace: undefined };
  if (!resolver.syncerView) throw new PlainNotFound();
  return { cluster, workspace: resolver.syncerView(prefix.syncer) };
}

/** With enforced access rules, a request they deny is a 403 naming the rule's reason. */
export function checkAccess(
  req: IncomingMessage,
  rules: AccessRules,
  parsed: ResourcePath,
  verb: string,
  params: URLSearchParams,
): void {
  if (rules.enforce !== true) return;
  const name =
    parsed.name ?? (['list', 'watch'].includes(verb) ? selectedName(params.get('fieldSelector')) : undefined);
  const why = deniedReason(rules, { ...parsed, verb, name });
  if (why === undefined) return;
  req.resume();
  throw forbidden({ group: parsed.group, resource: parsed.resource }, name ?? '', why);
}

export interface TypeLookup {
  registry: ResourceRegistry;
  discovery: Pick<ResourceRegistry, 'resourcesIn'>;
  cluster: string;
  workspace: SyncerWorkspace | undefined;
  localCrds: boolean;
}

/** The resource type a path names, as the registry, the syncer workspace and local CRDs let it be seen. */
export function resolveResourceType(
  req: IncomingMessage,
  parsed: ResourcePath,
  at: TypeLookup,
): ResourceType {
  const { registry, cluster, workspace } = at;
  let rt = registry.lookup(cluster, parsed.group, parsed.version, parsed.resource);
  if (rt && workspace && !workspace.serves(rt, parsed.version)) rt = undefined;
  if (rt && at.localCrds && cluster === WILDCARD_CLUSTER && !registry.isBuiltin(rt.group, rt.resource))
    rt = undefined;
  if (!rt || (!rt.namespaced && parsed.namespace !== undefined)) {
    req.resume();
    // Inside a served group/version the resource router answers with a Status; elsewhere Go's text 404.
    if (at.discovery.resourcesIn(cluster, parsed.group, parsed.version).length > 0) throw pathNotFound();
    throw new PlainNotFound();
  }
  return rt;
}

/** The syncer virtual workspace serves the status subresource only, and only its storage's verbs. */
export function checkSyncerRequest(
  req: IncomingMessage,
  workspace: SyncerWorkspace,
  rt: ResourceType,
  parsed: ResourcePath,
  verb: string,
): void {
  const sub = parsed.subresource;
  if ((sub !== undefined && sub !== 'status') || (sub === 'status' && !rt.subresources.status)) {
    req.resume();
    throw pathNotFound();
  }
  if (!(workspace.verbs ?? SYNCER_VERBS).has(verb)) {
    req.resume();
    throw methodNotAllowed();
  }
}

/** The service-level address of a resource request. */
export function targetOf(
  cluster: string,
  rt: ResourceType,
  parsed: ResourcePath,
  workspace: SyncerWorkspace | undefined,
): Target {
  const target: Target = {
    cluster,
    rt,
    version: parsed.version,
    namespace: rt.namespaced ? parsed.namespace : undefined,
  };
  if (parsed.name !== undefined) target.name = parsed.name;
  if (parsed.subresource !== undefined) target.subresource = parsed.subresource;
  if (workspace) {
    target.visible = workspace.visible;
    target.view = workspace.view;
  }
  return target;
}
