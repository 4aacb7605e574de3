import type { Clock, Logger, SyncTargetRef } from '@kcp-tmc/interfaces';
import type { MuxOptions } from '../protocol/mux.js';

/** Decides who an agent is: the SyncTarget its bearer token belongs to, or undefined to refuse (401). */
export type TunnelAuthenticator = (
  token: string,
  /** The `X-SyncTarget` the agent claims (`<cluster>:<name>`), if it sent one. */
  claimed: string | undefined,
) => SyncTargetRef | undefined | Promise<SyncTargetRef | undefined>;

export interface TunnelServerOptions {
  authenticate: TunnelAuthenticator;
  /** URL path agents dial. Default `/tunnel`. */
  path?: string;
  /** How often to ping each agent (ms). Default 54 s. */
  pingIntervalMs?: number;
  /** Drop an agent silent for this long (ms). Default 60 s. */
  readDeadlineMs?: number;
  mux?: Pick<MuxOptions, 'streamWindow' | 'maxFrameSize' | 'writeHighWaterMark'>;
  logger?: Logger;
  clock?: Clock;
}

/** A request sent through the tunnel to a SyncTarget's cluster. */
export interface TunnelSendRequest {
  method?: string;
  /** Path and query as the downstream handler should see it (the agent translates namespaces). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

/** The agent's answer. The body streams with flow control: read it, or cancel it to release the stream. */
export interface TunneledResponse {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array>;
}
