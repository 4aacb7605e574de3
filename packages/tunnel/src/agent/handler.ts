import type WebSocket from 'ws';
import { failureStatus } from '../util/failure-status.js';

/** A request that arrived through the tunnel, as the agent's handler sees it. */
export interface TunnelRequest {
  method: string;
  /** Path and query as the upstream caller sent them. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Request body (empty for GET). */
  body: AsyncIterable<Uint8Array>;
  /** Aborts when the caller goes away or the tunnel connection drops. */
  signal: AbortSignal;
}

/** The handler's answer; the body streams back with per-stream flow control. */
export interface TunnelResponse {
  status: number;
  headers: Record<string, string>;
  body?: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null;
  /** With status 101: the downstream WebSocket whose messages the stream carries from now on. */
  upgraded?: WebSocket;
}

/** Decides what a tunneled request may do and produces its answer (the default is the pod forwarder). */
export interface TunnelRequestHandler {
  handle(request: TunnelRequest): Promise<TunnelResponse>;
}

/** A Kubernetes `Status` failure body, as kube-apiserver writes it. */
export function statusResponse(
  code: number,
  reason: string,
  message: string,
  details?: { name?: string; kind?: string },
): TunnelResponse {
  const body = failureStatus(code, reason, message, details);
  return {
    status: code,
    headers: { 'content-type': 'application/json' },
    body: [new TextEncoder().encode(JSON.stringify(body))],
  };
}
