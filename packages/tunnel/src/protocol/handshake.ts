import type { SyncTargetRef } from '@kcp-tmc/interfaces';

/**
 * The handshake: the agent dials with `Authorization: Bearer <token>`, this header naming the SyncTarget it
 * serves, and the subprotocol below. Its value is `<logical cluster>:<name>`, kcp's path form of a SyncTarget
 * (a SyncTarget name never contains `:`).
 */
export const SYNC_TARGET_HEADER = 'x-synctarget';

/** The WebSocket subprotocol both sides must agree on; bump it on any incompatible frame change. */
export const TUNNEL_SUBPROTOCOL = 'kcp-tmc.tunnel.v1';

export function syncTargetHeaderValue(ref: Pick<SyncTargetRef, 'cluster' | 'name'>): string {
  return `${ref.cluster}:${ref.name}`;
}
