import type { ServerResponse } from 'node:http';
import { ApiError, internalError, PlainNotFound } from '../api/status.js';
import type { KubeObject } from '../api/types.js';
import { sendProtobuf } from './protobuf-io.js';

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  if (sendProtobuf(res, code, body, headers)) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  code: number,
  text: string,
  type = 'text/plain; charset=utf-8',
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(code, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof PlainNotFound) {
    sendText(res, 404, '404 page not found\n');
    return;
  }
  const apiErr =
    err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
  sendJson(res, apiErr.code, apiErr.toStatus(), apiErr.headers);
}

/** The object as the client's requested version shows it (custom resources served at several versions). */
export function present(obj: KubeObject, apiVersion: string): KubeObject {
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}
