import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { asNetworkError } from './h2-request.js';
import {
  contentCodings,
  headerValue,
  type OpenResponse,
  openRequest,
  type PreparedRequest,
} from './node-request.js';

export type { PreparedRequest } from './node-request.js';

/** A whole answer: status, body (JSON, the text when it is not JSON, undefined when empty), Retry-After. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

/** What every request asks for (kube-apiserver gzips large answers). */
export const JSON_ACCEPT_ENCODING = 'gzip';

type Decoder = (data: Buffer) => Promise<Buffer>;

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

// Decodes UTF-8 and drops a byte order mark, as fetch's `text()` does.
const UTF8 = new TextDecoder('utf-8');

/**
 * One request, body read to the end: the lean path for JSON answers (no web streams, Request/Response or
 * Headers objects). The signal aborts the request and the body read alike, rejecting with its reason.
 * Network failures reject with Node's error; any HTTP status resolves.
 */
export async function requestJson(
  prepared: PreparedRequest,
  method: string,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<JsonAnswer> {
  const answer = await openRequest(prepared, method, body, signal);
  let text: string;
  try {
    text = await readText(answer);
  } catch (err) {
    // Never leave a body half read: its connection (or stream) would not be released.
    if (!answer.body.destroyed) answer.body.destroy();
    throw signal.aborted ? signal.reason : asNetworkError(err);
  } finally {
    answer.release();
  }
  return {
    status: answer.status,
    body: text === '' ? undefined : parseJson(text),
    retryAfter: headerValue(answer.headers['retry-after']) ?? null,
  };
}

/** The whole of a body (events, not async iteration: this runs for every request). */
export function readBody(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    body.once('error', reject);
    // Destroyed without an error (an abort): the caller turns this into the signal's reason.
    body.once('close', () => {
      if (!ended) reject(new Error('response closed before its end'));
    });
  });
}

/** The body as text, undoing a content encoding the way fetch does (unknown codings are left as they are). */
async function readText(answer: OpenResponse): Promise<string> {
  let data = await readBody(answer.body);
  if (data.length === 0) return '';
  const decoders = contentCodings(headerValue(answer.headers['content-encoding'])).map((c) => DECODERS[c]);
  // Applied in order, so undone in reverse; any unknown coding leaves the body as it came (as fetch does).
  if (decoders.every((d) => d !== undefined)) {
    for (let i = decoders.length - 1; i >= 0; i--) data = await (decoders[i] as Decoder)(data);
  }
  return UTF8.decode(data);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML error page, plain text): keep the text for the message.
    return text;
  }
}
