// Requests on Node's own HTTP stack (node:http / node:https), the one the runtime has loaded anyway.
import type { Agent, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { nodeHttp } from './node-http.js';

/** A request ready to go: where, with which headers, through which connection pool (none: Node's global). */
export interface PreparedRequest {
  url: URL;
  headers: Record<string, string>;
  agent: Agent | undefined;
}

/** A response whose headers have arrived; `release` drops the abort listener once the body is done with. */
export interface OpenResponse {
  message: IncomingMessage;
  release(): void;
}

/**
 * Sends one request and resolves when the response headers arrive. The signal aborts the request and, later,
 * the response body alike, with the signal's reason as the error. Network failures reject with Node's error
 * (carrying its `code`); any HTTP status resolves.
 */
export function openRequest(
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
    // Node frames a body of DELETE (and GET, HEAD, OPTIONS) only with an explicit Content-Length.
    const headers =
      body === undefined
        ? prepared.headers
        : { ...prepared.headers, 'content-length': String(byteLength(body)) };
    const options = { method, headers, ...(prepared.agent ? { agent: prepared.agent } : {}) };
    const req = send(prepared.url, options);
    let message: IncomingMessage | undefined;
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
      resolve({ message: res, release });
    });
    // `on`, not `once`: destroying the request after its response may emit a second error.
    req.on('error', (err) => {
      release();
      reject(signal.aborted ? signal.reason : err);
    });
    req.end(body);
  });
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
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
 * body with any unknown coding is left as it came. Errors of the message reach the returned stream.
 */
export function decodedBody(message: IncomingMessage): Readable {
  const codings = contentCodings(headerValue(message.headers['content-encoding']));
  const factories = codings.map((c) => DECODERS[c]);
  if (codings.length === 0 || !factories.every((f) => f !== undefined)) return message;
  let stream: Readable = message;
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
