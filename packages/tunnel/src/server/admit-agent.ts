import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger, SyncTargetRef } from '@kcp-tmc/interfaces';
import { SYNC_TARGET_HEADER, syncTargetHeaderValue, TUNNEL_SUBPROTOCOL } from '../protocol/handshake.js';
import { rejectUpgrade } from './reject.js';
import type { TunnelAuthenticator } from './tunnel-server-types.js';

/**
 * Decides whether an agent's upgrade request may become a tunnel: a bearer token the authenticator accepts, for
 * the SyncTarget the agent claims (if it claims one), offering the tunnel subprotocol. Returns the agent's
 * SyncTarget, or undefined once the request has been refused with a Status.
 */
export async function admitAgent(
  req: IncomingMessage,
  socket: Duplex,
  authenticate: TunnelAuthenticator,
  logger: Logger,
): Promise<SyncTargetRef | undefined> {
  const refuse = (code: number, reason: string, message: string): undefined => {
    rejectUpgrade(socket, code, reason, message);
    return undefined;
  };
  const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (token === undefined) return refuse(401, 'Unauthorized', 'a bearer token is required');
  const claimedHeader = req.headers[SYNC_TARGET_HEADER];
  const claimed = Array.isArray(claimedHeader) ? claimedHeader[0] : claimedHeader;
  let ref: SyncTargetRef | undefined;
  try {
    ref = await authenticate(token, claimed);
  } catch (err) {
    logger.error('tunnel authenticator failed', { error: (err as Error).message });
    return refuse(500, 'InternalError', 'authentication failed');
  }
  if (ref === undefined) return refuse(401, 'Unauthorized', 'invalid bearer token');
  const id = syncTargetHeaderValue(ref);
  if (claimed !== undefined && claimed !== id) {
    return refuse(403, 'Forbidden', `the token is for SyncTarget ${id}, not ${claimed}`);
  }
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(TUNNEL_SUBPROTOCOL)) {
    return refuse(400, 'BadRequest', `the ${TUNNEL_SUBPROTOCOL} subprotocol is required`);
  }
  return ref;
}
