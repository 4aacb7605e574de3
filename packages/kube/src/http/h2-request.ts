import type { IncomingHttpHeaders } from 'node:http';
import type { ClientHttp2Stream, IncomingHttpHeaders as Http2Headers } from 'node:http2';
import type { Http2Sessions } from './h2-sessions.js';
import { nodeHttp } from './node-http.js';
import type { OpenResponse } from './node-request.js';

// Headers of one HTTP/1.1 connection, which HTTP/2 forbids (RFC 9113 §8.2.2).
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
]);

// A stream the server did not process may be sent again, whatever its verb (RFC 9113 §8.7): refused, or
// beyond the last stream of a GOAWAY, or on a connection that closed before it could be opened.
const UNPROCESSED = /NGHTTP2_REFUSED_STREAM|ERR_HTTP2_GOAWAY_SESSION|ERR_HTTP2_INVALID_SESSION/;
const RESENDS = 2;

/**
 * One request as an HTTP/2 stream, resolving when the response headers arrive; undefined when the server does
 * not speak HTTP/2 (the caller sends it over HTTP/1.1). Same contract as the HTTP/1.1 path: the signal aborts
 * the request and later the body with its reason; network failures reject with an error carrying a `code`.
 */
export async function openHttp2Request(
  sessions: Http2Sessions,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<OpenResponse | undefined> {
  const outgoing: Record<string, string> = { ':method': method, ':path': `${url.pathname}${url.search}` };
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!CONNECTION_HEADERS.has(lower)) outgoing[lower] = value;
  }
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw signal.reason;
    let stream: ClientHttp2Stream | undefined;
    try {
      stream = await sessions.request(outgoing, body === undefined, signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (attempt < RESENDS && unprocessed(err)) continue;
      throw asNetworkError(err);
    }
    if (stream === undefined) return undefined;
    try {
      return await answerOf(stream, body, signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (attempt < RESENDS && unprocessed(err)) continue;
      throw asNetworkError(err);
    }
  }
}

function answerOf(
  stream: ClientHttp2Stream,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<OpenResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      stream.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      reject(reason);
    };
    const release = (): void => signal.removeEventListener('abort', onAbort);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('response', (received: Http2Headers) => {
      answered = true;
      stream.once('close', release);
      const status = Number(received[':status']);
      const { headers, rawHeaders } = plainHeaders(received);
      resolve({
        status,
        statusMessage: nodeHttp.STATUS_CODES[status] ?? '',
        headers,
        rawHeaders,
        body: stream,
        release,
      });
    });
    stream.on('error', (err) => {
      release();
      reject(err);
    });
    // Reset without an error (NO_ERROR or CANCEL from the server) before any answer.
    stream.once('close', () => {
      if (answered) return;
      release();
      reject(
        Object.assign(new Error(`stream closed before an answer (HTTP/2 code ${stream.rstCode})`), {
          rstCode: stream.rstCode,
        }),
      );
    });
    if (body !== undefined) stream.end(body);
  });
}

/** The answer's headers without HTTP/2's pseudo-headers, and as a raw list. */
function plainHeaders(received: Http2Headers): { headers: IncomingHttpHeaders; rawHeaders: string[] } {
  const headers: IncomingHttpHeaders = {};
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(received)) {
    if (name.startsWith(':') || value === undefined) continue;
    const values = Array.isArray(value) ? value : [String(value)];
    for (const v of values) rawHeaders.push(name, v);
    headers[name] = name === 'set-cookie' ? values : values.join(', ');
  }
  return { headers, rawHeaders };
}

function unprocessed(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message, rstCode } = err as { code?: unknown; message?: unknown; rstCode?: unknown };
  return (
    rstCode === 7 /* REFUSED_STREAM */ ||
    (typeof code === 'string' && UNPROCESSED.test(code)) ||
    (typeof message === 'string' && UNPROCESSED.test(message))
  );
}

/**
 * HTTP/2's own failures (a reset stream, a torn-down session) and a body cut short, as a broken connection,
 * which is what they are to a caller: reads are retried, writes are not. Errors with a network code, timeouts
 * and aborts pass as they are.
 */
export function asNetworkError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && !code.startsWith('ERR_HTTP2')) return err;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return err;
  const message = err instanceof Error ? err.message : String(err);
  return Object.assign(new Error(message, { cause: err }), { code: 'ECONNRESET' });
}
