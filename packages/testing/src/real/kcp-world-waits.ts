import type { SyncerProcess } from './kcp-syncer.js';
import type { RealJsonResponse } from './plain-upstream.js';
import { waitFor } from './process.js';

/** A JSON request to a kcp workspace as kcp's admin; `path` is relative to `/clusters/<workspace>`. */
export type WorkspaceRequest = (
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
) => Promise<RealJsonResponse>;

/** Waits until kcp sets the SyncTarget's Ready condition (a syncer heartbeat, SyncerReady). */
export async function waitForSyncTargetReady(
  up: WorkspaceRequest,
  name: string,
  timeoutMs: number,
): Promise<void> {
  let conditions: unknown;
  const done = await waitFor(
    async () => {
      const st = await up('GET', `/apis/workload.kcp.io/v1alpha1/synctargets/${name}`);
      const status = (st.body as { status?: { conditions?: Array<{ type: string; status: string }> } })
        .status;
      conditions = status?.conditions;
      return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    },
    Date.now() + timeoutMs,
    500,
  );
  if (done !== true)
    throw new Error(`SyncTarget ${name} not Ready within ${timeoutMs} ms: ${JSON.stringify(conditions)}`);
}

/** kcp's `internal.workload.kcp.io/key` label on the SyncTarget. */
export async function readSyncTargetKey(up: WorkspaceRequest, name: string): Promise<string> {
  const st = await up('GET', `/apis/workload.kcp.io/v1alpha1/synctargets/${name}`);
  const key = (st.body as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[
    'internal.workload.kcp.io/key'
  ];
  if (key === undefined) throw new Error(`SyncTarget ${name} has no key label: ${JSON.stringify(st.body)}`);
  return key;
}

/** Waits until kcp's scheduler labels an upstream namespace `state.workload.kcp.io/<key>=<state>`. */
export async function waitForNamespaceState(
  up: WorkspaceRequest,
  namespace: string,
  syncTargetKey: string,
  state: string,
  timeoutMs: number,
): Promise<void> {
  const done = await waitFor(
    async () => {
      const ns = await up('GET', `/api/v1/namespaces/${namespace}`);
      const labels = (ns.body as { metadata?: { labels?: Record<string, string> } }).metadata?.labels;
      return labels?.[`state.workload.kcp.io/${syncTargetKey}`] === state ? true : undefined;
    },
    Date.now() + timeoutMs,
    250,
  );
  if (done !== true) throw new Error(`namespace ${namespace} not in state ${state} within ${timeoutMs} ms`);
}

/** Waits until the workspace serves each resource (`deployments.apps`, `services`) as a list. */
export async function waitForServed(
  up: WorkspaceRequest,
  resources: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const paths = resources.map((resource) => {
    const [name, group] = resource.split(/\.(.*)/s) as [string, string?];
    return group ? `/apis/${group}/v1/${name}` : `/api/v1/${name}`;
  });
  const done = await waitFor(
    async () => {
      for (const path of paths) if ((await up('GET', path)).status !== 200) return undefined;
      return true;
    },
    Date.now() + timeoutMs,
    250,
  );
  if (done !== true)
    throw new Error(`${resources.join(', ')} not served in the workspace within ${timeoutMs} ms`);
}

/**
 * `work`, or a rejection with the syncer's log as soon as the current syncer process exits (no waiting out a
 * deadline). `current` is read on every poll, so a deliberate restart is not taken for a crash.
 */
export async function whileRunning<T>(
  current: () => SyncerProcess | undefined,
  work: Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const exited = (async () => {
    while (!controller.signal.aborted) {
      const syncer = current();
      if (syncer?.exitDescription !== undefined) {
        throw new Error(`the ${syncer.kind} syncer ${syncer.exitDescription}:\n${syncer.logTail(30)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return undefined as never;
  })();
  try {
    return await Promise.race([work, exited]);
  } finally {
    controller.abort();
  }
}
