import { type KubeClient, type ObjectScope, SYNC_TARGET_GVR } from '@kcp-tmc/interfaces';

/**
 * Resolves true once a SyncTarget of that name shows up in a watch (kcp's generated ClusterRole grants watch on the
 * one name, pkg/cliplugins/workload/plugin/sync.go), false after `maxMs` or when the watch fails: the caller
 * reads the SyncTarget again either way. A re-creation is seen as it happens instead of at the next poll, whose
 * backoff reaches seconds while the SyncTarget stays away. A watch without a resourceVersion replays the
 * current object as ADDED, so one created between the caller's read and this watch is not missed.
 */
export async function awaitSyncTargetCreation(
  client: KubeClient,
  name: string,
  scope: ObjectScope,
  maxMs: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), maxMs);
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const events = client.watch(SYNC_TARGET_GVR, scope, {
      fieldSelector: `metadata.name=${name}`,
      timeoutSeconds: Math.max(1, Math.ceil(maxMs / 1000)),
      signal: stop.signal,
    });
    for await (const event of events) if (event.type === 'ADDED' || event.type === 'MODIFIED') return true;
  } catch {
    // Denied, dropped or timed out: the caller's read decides, and its backoff paces the next watch.
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
  return false;
}
