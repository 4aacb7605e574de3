import { classifyError, TmcError, TmcErrorType, type WatchEvent } from '@kcp-tmc/interfaces';
import type { HttpRequest, Transport } from '../http/transport.js';
import { JsonLinesDecoder } from './json-lines.js';

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

function toWatchEvent(value: unknown, operation: string): WatchEvent {
  const event = value as { type?: unknown; object?: unknown };
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof event.type !== 'string' ||
    !EVENT_TYPES.has(event.type) ||
    typeof event.object !== 'object' ||
    event.object === null
  ) {
    throw new TmcError({ type: TmcErrorType.Unknown, message: `${operation}: not a watch event` });
  }
  return event as WatchEvent;
}

/**
 * Streams one watch request as events. A non-2xx answer throws its TmcError (410 Gone when the
 * resourceVersion is too old); an in-stream `ERROR` event is yielded like any other, for the caller to act
 * on. The stream ends when the server ends it or the caller's signal aborts (no error then).
 */
export async function* streamWatch(transport: Transport, req: HttpRequest): AsyncGenerator<WatchEvent> {
  // A Node stream, not a web one: every event of every watch passes here.
  const answer = await transport.stream(req);
  if (answer.status < 200 || answer.status > 299) throw await transport.readStreamError(req, answer);
  const decoder = new JsonLinesDecoder();
  const chunks = answer.body[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      let chunk: IteratorResult<Uint8Array>;
      try {
        chunk = await chunks.next();
      } catch (err) {
        if (req.signal?.aborted === true) return;
        throw classifyError(err, req.operation);
      }
      const values = chunk.done === true ? decoder.end() : decoder.push(chunk.value);
      for (const value of values) yield toWatchEvent(value, req.operation);
      if (chunk.done === true) {
        ended = true;
        return;
      }
    }
  } catch (err) {
    if (req.signal?.aborted === true) return;
    throw err instanceof TmcError ? err : classifyError(err, req.operation);
  } finally {
    // Breaking out early (or an error) must close the connection, or it stays open until the server ends it.
    if (!ended) answer.body.destroy();
  }
}
