import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { type Dispatcher, getGlobalDispatcher, request } from 'undici';

/** A request ready to go: where, with which headers, through which connection pool (none: undici's global). */
export interface PreparedRequest {
  url: URL;
  headers: Record<string, string>;
  dispatcher: Dispatcher | undefined;
}

/** A whole answer: status, body (JSON, the text when it is not JSON, undefined when empty), Retry-After. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

/** What the JSON path asks for (fetch asked for compression too; kube-apiserver gzips large answers). */
export const JSON_ACCEPT_ENCODING = 'gzip';

type Decoder = (data: Buffer) => Promise<Buffer>;

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

// Decodes UTF-8 and drops a byte order mark, as fetch's `text()` and undici's `body.text()` do.
const UTF8 = new TextDecoder('utf-8');

/**
 * One request through undici's `request()`, body read to the end: the lean path for JSON answers (no web
 * streams, Request/Response or Headers objects). The signal aborts the request and the body read alike.
 * Network failures and aborts reject with undici's error (or the signal's reason); any HTTP status resolves.
 */
export async function requestJson(
  prepared: PreparedRequest,
  method: string,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<JsonAnswer> {
  const response = await request(prepared.url, {
    method,
    headers: prepared.headers,
    body: body ?? null,
    signal,
    dispatcher: prepared.dispatcher ?? getGlobalDispatcher(),
  });
  let text: string;
  try {
    text = await readText(response.body, headerValue(response.headers['content-encoding']));
  } catch (err) {
    // Never leave a body half read: its socket would not go back to the pool.
    if (!response.body.destroyed) response.body.destroy();
    throw err;
  }
  return {
    status: response.statusCode,
    body: text === '' ? undefined : parseJson(text),
    retryAfter: headerValue(response.headers['retry-after']) ?? null,
  };
}

/** The body as text, undoing a content encoding the way fetch does (unknown codings are left as they are). */
async function readText(
  body: Dispatcher.ResponseData['body'],
  encoding: string | undefined,
): Promise<string> {
  if (encoding === undefined || encoding === '' || encoding === 'identity') return body.text();
  let data: Buffer = Buffer.from(await body.arrayBuffer());
  if (data.length === 0) return '';
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  const decoders = codings.map((c) => DECODERS[c]);
  // Applied in order, so undone in reverse; any unknown coding leaves the body as it came (as fetch does).
  if (decoders.every((d) => d !== undefined)) {
    for (let i = decoders.length - 1; i >= 0; i--) data = await (decoders[i] as Decoder)(data);
  }
  return UTF8.decode(data);
}

/** A header as fetch's `Headers.get` gives it: repeated values joined with `, `. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML error page, plain text): keep the text for the message.
    return text;
  }
}
