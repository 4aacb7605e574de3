import type { Logger } from '@kcp-tmc/interfaces';
import { relayMessages } from '../protocol/message-relay.js';
import type { MuxStream } from '../protocol/stream.js';
import { statusResponse, type TunnelRequestHandler, type TunnelResponse } from './handler.js';

/**
 * Answers one stream the server opened: runs the handler, sends the response head, then the body with the
 * stream's flow control. The handler's signal aborts when the stream fails (caller gone, connection lost).
 * Rejects when the answer could not be delivered whole.
 */
export async function serveStream(
  stream: MuxStream,
  handler: TunnelRequestHandler,
  logger: Logger,
): Promise<void> {
  const head = stream.requestHead;
  if (head === undefined) throw new Error(`stream ${stream.id} was opened by this side`);
  const controller = new AbortController();
  stream.onFailure((err) => controller.abort(err));
  let response: TunnelResponse;
  try {
    response = await handler.handle({ ...head, body: stream, signal: controller.signal });
  } catch (err) {
    if (stream.error !== undefined) throw stream.error;
    logger.error('tunnel request handler failed', { path: head.path, error: (err as Error).message });
    response = statusResponse(500, 'InternalError', `tunnel handler failed: ${(err as Error).message}`);
  }
  if (response.upgraded !== undefined) {
    const socket = response.upgraded;
    try {
      stream.sendHead({ status: 101, headers: response.headers });
    } catch (err) {
      socket.terminate();
      throw err;
    }
    await relayMessages(socket, stream, logger);
    return;
  }
  try {
    stream.sendHead({ status: response.status, headers: response.headers });
    if (response.body != null) {
      for await (const chunk of response.body) await stream.write(chunk);
    }
    stream.end();
    // Answered before the request body ended (a refused upload): stop the rest of it, as HTTP/2 servers do.
    if (!stream.remoteComplete) stream.reset('CANCEL', 'the response is complete');
  } catch (err) {
    // Reset rather than end, so the caller never mistakes a truncated body for a complete one.
    stream.reset('INTERNAL_ERROR', `response body failed: ${(err as Error).message}`);
    throw err;
  }
}
