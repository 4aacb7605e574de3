/**
 * Informer settings for tests: restarts within 100 ms .. 2 s, so a healed fault is noticed within seconds, and no
 * stale-watch restarts during a test.
 */
export const FAST_INFORMERS = { backoff: { initialMs: 100, maxMs: 2000 }, staleAfterMs: 60_000 } as const;

/** A server the kit connects to: a simulator or a real API server, by its admin kubeconfig. */
export interface KubeconfigHolder {
  readonly kubeconfig: string;
}

export interface KubeSideOptions {
  /** A kcp server: use its `base` context (every logical cluster addressable by scope). */
  readonly kcp?: boolean;
  /** Informer options on top of FAST_INFORMERS; false: none (a side used only for requests). */
  readonly informers?: Record<string, unknown> | false;
}

/**
 * One side of @kcp-tmc/kube's `registerKube` options for a test server: its kubeconfig, no client-side rate
 * limit, and FAST_INFORMERS.
 */
export function kubeSide(server: KubeconfigHolder, { kcp = false, informers = {} }: KubeSideOptions = {}) {
  return {
    kubeconfig: kcp ? { kubeconfig: server.kubeconfig, context: 'base' } : { kubeconfig: server.kubeconfig },
    transport: { qps: 0 },
    ...(informers === false ? {} : { informers: { ...FAST_INFORMERS, ...informers } }),
  };
}
