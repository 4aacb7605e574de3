/**
 * The tunnel's wire format: one frame per binary WebSocket message.
 *
 *   byte 0      frame type
 *   bytes 1..4  stream id, unsigned 32-bit big-endian (0 is reserved for the connection)
 *   bytes 5..   payload
 *
 * Keep-alive uses WebSocket ping/pong control frames, so there is no PING frame type here.
 */

export const FrameType = {
  /** Opens a stream (request head) or answers it (response head). Payload: UTF-8 JSON. */
  HEADERS: 1,
  /** Body bytes. Counted against the receiver's per-stream window. */
  DATA: 2,
  /** The sender will send nothing more on this stream (half close). Empty payload. */
  END: 3,
  /** Aborts the stream in both directions. Payload: UTF-8 JSON `{code, message}`. */
  RESET: 4,
  /** Gives the peer more send credit on one stream. Payload: uint32 big-endian increment. */
  WINDOW_UPDATE: 5,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_HEADER_BYTES = 5;
export const MAX_STREAM_ID = 0x7fff_ffff;

export interface Frame {
  type: FrameType;
  streamId: number;
  payload: Uint8Array;
}

/** Why a stream was reset; mirrors the HTTP/2 error codes the tunnel needs. */
export type ResetCode =
  | 'CANCEL'
  | 'REFUSED_STREAM'
  | 'FLOW_CONTROL_ERROR'
  | 'PROTOCOL_ERROR'
  | 'INTERNAL_ERROR';

export interface ResetPayload {
  code: ResetCode;
  message: string;
}

/** Request head (opener to acceptor). */
export interface RequestHead {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces/ns/pods/p/log?follow=true`. */
  path: string;
  headers: Record<string, string>;
}

/** Response head (acceptor to opener). */
export interface ResponseHead {
  status: number;
  headers: Record<string, string>;
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

const TYPES = new Set<number>(Object.values(FrameType));
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeFrame(frame: Frame): Buffer {
  const { type, streamId, payload } = frame;
  if (!TYPES.has(type)) throw new FrameError(`unknown frame type ${type}`);
  if (!Number.isInteger(streamId) || streamId < 0 || streamId > MAX_STREAM_ID) {
    throw new FrameError(`stream id ${streamId} out of range`);
  }
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  out[0] = type;
  out.writeUInt32BE(streamId, 1);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Decodes one WebSocket message. The payload is a view into `data`, not a copy. */
export function decodeFrame(data: Uint8Array): Frame {
  if (data.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameError(
      `frame of ${data.byteLength} bytes is shorter than its ${FRAME_HEADER_BYTES}-byte header`,
    );
  }
  const type = data[0] as number;
  if (!TYPES.has(type)) throw new FrameError(`unknown frame type ${type}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const streamId = view.getUint32(1);
  if (streamId > MAX_STREAM_ID) throw new FrameError(`stream id ${streamId} out of range`);
  const payload = data.subarray(FRAME_HEADER_BYTES);
  if (type === FrameType.END && payload.byteLength !== 0) throw new FrameError('END frame with a payload');
  if (type === FrameType.WINDOW_UPDATE && payload.byteLength !== 4) {
    throw new FrameError(`WINDOW_UPDATE payload of ${payload.byteLength} bytes, expected 4`);
  }
  return { type: type as FrameType, streamId, payload };
}

export function jsonPayload(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function parseJson(payload: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch (err) {
    throw new FrameError(`${what}: payload is not UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError(`${what}: payload is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError(`${what}: headers must be an object of strings`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new FrameError(`${what}: header ${key} is not a string`);
  }
  return value as Record<string, string>;
}

export function decodeRequestHead(payload: Uint8Array): RequestHead {
  const raw = parseJson(payload, 'request HEADERS');
  if (typeof raw.method !== 'string' || raw.method === '') {
    throw new FrameError('request HEADERS: method missing');
  }
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) {
    throw new FrameError('request HEADERS: path must start with /');
  }
  return { method: raw.method, path: raw.path, headers: stringRecord(raw.headers, 'request HEADERS') };
}

export function decodeResponseHead(payload: Uint8Array): ResponseHead {
  const raw = parseJson(payload, 'response HEADERS');
  const status = raw.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new FrameError('response HEADERS: status must be an HTTP status code');
  }
  return { status, headers: stringRecord(raw.headers, 'response HEADERS') };
}

const RESET_CODES = new Set<string>([
  'CANCEL',
  'REFUSED_STREAM',
  'FLOW_CONTROL_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
]);

export function decodeReset(payload: Uint8Array): ResetPayload {
  const raw = parseJson(payload, 'RESET');
  // An unknown code from a newer peer is still a reset: treat it as an internal error.
  const code =
    typeof raw.code === 'string' && RESET_CODES.has(raw.code) ? (raw.code as ResetCode) : 'INTERNAL_ERROR';
  return { code, message: typeof raw.message === 'string' ? raw.message : '' };
}

export function windowUpdatePayload(increment: number): Uint8Array {
  if (!Number.isInteger(increment) || increment <= 0 || increment > 0xffff_ffff) {
    throw new FrameError(`window increment ${increment} out of range`);
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, increment);
  return out;
}

export function decodeWindowUpdate(payload: Uint8Array): number {
  const increment = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
  if (increment === 0) throw new FrameError('WINDOW_UPDATE with a zero increment');
  return increment;
}
