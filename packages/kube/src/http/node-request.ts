// Requests on Node's own HTTP stack (node:http / node:https, and node:http2 where the pool speaks it).
import type { Agent, IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { http2SessionsOf } from '../config/agents.js';
import { openHttp2Request } from './h2-request.js';
import { nodeHttp } from './node-http.js';

/** A request ready to go: where, with which headers, through which connection pool (none: Node's global). */
export interface PreparedRequest {
  url: URL;
  headers: Record<string, string>;
  agent: Agent | undefined;
}

/**
 * A response whose headers have arrived, over HTTP/1.1 or HTTP/2; `body` is as sent (content coding not undone).
 * `release` drops the abort listener once the body is done with.
 */
export interface OpenResponse {
  status: number;
  /** HTTP/1.1's reason phrase; HTTP/2 has none, so the standard one for the status. */
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /** name, value, name, value... */
  rawHeaders: string[];
  body: Readable;
  release(): void;
}

/**
 * Sends one request and resolves when the response headers arrive: as an HTTP/2 stream when the pool speaks it
 * to this server, else over HTTP/1.1. The signal aborts the request and, later, the response body alike, with
 * the signal's reason as the error. Network failures reject with an error carrying a `code`; any HTTP status
 * resolves.
 */
export async function openRequest(
  prepared: PreparedRequest,
  method: string,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<OpenResponse> {
  const sessions = prepared.agent === undefined ? undefined : http2SessionsOf(prepared.agent);
  if (sessions !== undefined && !sessions.speaksHttp1Only) {
    const headers = withLength(prepared.headers, body);
    const opened = await openHttp2Request(sessions, prepared.url, method, headers, body, signal);
    if (opened !== undefined) return opened;
  }
  return openHttp1Request(prepared, method, body, signal);
}

function openHttp1Request(
  prepared: PreparedRequest,
  method: string,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<OpenResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const send = prepared.url.protocol === 'https:' ? httpsRequest : nodeHttp.request;
    const headers = withLength(prepared.headers, body);
    const options = { method, headers, ...(prepared.agent ? { agent: prepared.agent } : {}) };
    const req = send(prepared.url, options);
    let message: Readable | undefined;
    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      req.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      message?.destroy(reason instanceof Error ? reason : undefined);
      reject(reason);
    };
    const release = (): void => signal.removeEventListener('abort', onAbort);
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('response', (res) => {
      message = res;
      res.once('close', release);
      const { statusCode = 0, statusMessage = '', headers, rawHeaders } = res;
      resolve({ status: statusCode, statusMessage, headers, rawHeaders, body: res, release });
    });
    // `on`, not `once`: destroying the request after its response may emit a second error.
    req.on('error', (err) => {
      release();
      reject(signal.aborted ? signal.reason : err);
    });
    req.end(body);
  });
}

/** Node frames a body of DELETE (and GET, HEAD, OPTIONS) only with an explicit Content-Length. */
function withLength(
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
): Record<string, string> {
  if (body === undefined) return headers;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  return { ...headers, 'content-length': String(length) };
}

type DecoderFactory = () => NodeJS.ReadWriteStream;

const DECODERS: Readonly<Record<string, DecoderFactory>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The codings of a Content-Encoding header, in the order applied ('identity' dropped). */
export function contentCodings(encoding: string | undefined): string[] {
  return (encoding ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * The body with its content encoding undone, the way fetch does: codings are undone in reverse order, and a
 * body with any unknown coding is left as it came. Errors of the body reach the returned stream.
 */
export function decodedBody({ body, headers }: Pick<OpenResponse, 'body' | 'headers'>): Readable {
  const codings = contentCodings(headerValue(headers['content-encoding']));
  const factories = codings.map((c) => DECODERS[c]);
  if (codings.length === 0 || !factories.every((f) => f !== undefined)) return body;
  let stream: Readable = body;
  for (let i = factories.length - 1; i >= 0; i--) {
    const decoder = (factories[i] as DecoderFactory)() as unknown as Readable;
    const from = stream;
    from.once('error', (err) => decoder.destroy(err));
    decoder.once('close', () => {
      if (!from.readableEnded) from.destroy();
    });
    stream = from.pipe(decoder as unknown as NodeJS.WritableStream) as unknown as Readable;
  }
  return stream;
}

/** A header as fetch's `Headers.get` gives it: repeated values joined with `, `. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
