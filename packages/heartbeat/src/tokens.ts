/**
 * The upstream client heartbeats and SyncTarget conditions go through: kcp's syncer gives the heartbeat its own
 * clientset, so the workers' rate limiter never delays a beat. registerHeartbeat binds it (default: the
 * container's UPSTREAM_KUBE_CLIENT).
 */
export const HEARTBEAT_KUBE_CLIENT: unique symbol = Symbol.for('@kcp-tmc/heartbeat/HeartbeatKubeClient');
