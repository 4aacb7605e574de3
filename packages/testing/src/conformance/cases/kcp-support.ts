import { expect, type TestContext } from 'vitest';
import { eventually, RawClient, type RawResponse } from '../client.js';
import { itWhere, type SuiteRef } from '../suite.js';
import type { KcpSyncTargetTarget } from '../target.js';

export const CLUSTER_ANNOTATION = 'kcp.io/cluster';

/** One SyncTarget's view of the suite: kcp's admin, the syncer (its own credentials), and names derived from the key. */
export interface SyncerCase {
  st: KcpSyncTargetTarget;
  admin: RawClient;
  syncer: RawClient;
  /** kcp's base URL. */
  base: string;
  stateLabel: string;
  finalizer: string;
  deletionAnnotation: string;
  viewAnnotation: string;
  name(prefix: string): string;
  /** GET/PUT/... on kcp itself as admin, inside the SyncTarget's logical cluster. */
  kcp(method: string, path: string, body?: unknown, contentType?: string): Promise<RawResponse>;
  /** A request as the syncer through its virtual workspace; `path` starts with `/clusters/...`. */
  vw(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<RawResponse>;
  /** The syncer's heartbeat: JSON patch on the SyncTarget's /status, as kcp's Go syncer sends it. */
  heartbeat(): Promise<void>;
  /** A namespace kcp has placed on the SyncTarget. */
  placedNamespace(prefix: string): Promise<string>;
}

export function syncerCase(s: SuiteRef, ctx: TestContext): SyncerCase | undefined {
  const suite = s();
  const st = suite.target.kcp?.syncTarget;
  if (!suite.target.capabilities.syncerVirtualWorkspace || !st) {
    ctx.skip();
    return undefined;
  }
  const admin = suite.client;
  const syncer = new RawClient(st.syncerKubeconfig);
  const base = admin.baseServer;
  const syncerBase = syncer.baseServer;
  const key = st.syncTargetKey;
  const c: SyncerCase = {
    st,
    admin,
    syncer,
    base,
    stateLabel: `state.workload.kcp.io/${key}`,
    finalizer: `workload.kcp.io/syncer-${key}`,
    deletionAnnotation: `deletion.internal.workload.kcp.io/${key}`,
    viewAnnotation: `diff.syncer.internal.kcp.io/${key}`,
    name: suite.name,
    kcp: (method, path, body, contentType) =>
      admin.request(method, `/clusters/${st.cluster}${path}`, { body, contentType }, base),
    vw: (method, path, body, query) => syncer.request(method, path, { body, query }, st.syncerURL),
    async heartbeat() {
      const res = await syncer.request(
        'PATCH',
        `/clusters/${st.cluster}/apis/workload.kcp.io/v1alpha1/synctargets/${st.syncTargetName}/status`,
        {
          rawBody: JSON.stringify([
            { op: 'test', path: '/metadata/uid', value: st.syncTargetUid },
            {
              op: 'add',
              path: '/status/lastSyncerHeartbeatTime',
              value: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
            },
          ]),
          contentType: 'application/json-patch+json',
        },
        syncerBase,
      );
      expect(res.status, res.text).toBe(200);
    },
    async placedNamespace(prefix) {
      const ns = suite.name(prefix);
      await st.placeNamespace(ns);
      return ns;
    },
  };
  return c;
}

/** A case that runs only where the target has a SyncTarget and its syncer virtual workspace (skipped elsewhere). */
export const itOnSyncer = (
  s: SuiteRef,
  title: string,
  body: (c: SyncerCase, ctx: TestContext) => Promise<void>,
) => itWhere(syncerCase, s, title, body);

/** The path of an object inside the virtual workspace: its own logical cluster, from `kcp.io/cluster`. */
// biome-ignore lint/suspicious/noExplicitAny: raw JSON
export function vwPath(obj: any, resourcePath: string): string {
  return `/clusters/${obj.metadata.annotations[CLUSTER_ANNOTATION]}${resourcePath}`;
}

/** Waits until the syncer sees the object through its virtual workspace (kcp labels it asynchronously). */
export async function seenBySyncer(c: SyncerCase, path: string): Promise<RawResponse> {
  return eventually(
    async () => {
      const res = await c.vw('GET', path);
      return res.status === 200 ? res : undefined;
    },
    30_000,
    `${path} in the syncer virtual workspace`,
  );
}

/** Takes ownership as kcp's syncer does first: an update through the virtual workspace adding its finalizer. */
// biome-ignore lint/suspicious/noExplicitAny: raw JSON
export async function own(c: SyncerCase, path: string): Promise<any> {
  const view = (await seenBySyncer(c, path)).json;
  view.metadata.finalizers = [...(view.metadata.finalizers ?? []), c.finalizer];
  const res = await c.vw('PUT', path, view);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

/** What placeObject made: the placed namespace, the stored object and its path in the virtual workspace. */
export interface PlacedObject {
  readonly ns: string;
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON
  readonly made: any;
  readonly path: string;
}

/** Creates `object` through kcp in a fresh namespace placed on the SyncTarget (`pathOf`: cmPath, deployPath...). */
export async function placeObject(
  c: SyncerCase,
  namespacePrefix: string,
  pathOf: (ns: string, name?: string) => string,
  object: { metadata: { name: string } },
): Promise<PlacedObject> {
  const ns = await c.placedNamespace(namespacePrefix);
  const made = await c.kcp('POST', pathOf(ns), object);
  expect(made.status, made.text).toBe(201);
  return { ns, made: made.json, path: vwPath(made.json, pathOf(ns, object.metadata.name)) };
}
