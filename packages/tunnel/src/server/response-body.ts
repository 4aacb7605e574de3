import { TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { type MuxStream, StreamResetError } from '../protocol/stream.js';

/** The answer body of a sent request as a web stream, pulled from the tunnel stream only as the caller reads. */
export function responseBody(
  stream: MuxStream,
  id: string,
  release: () => void,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunk = await stream.read();
          if (chunk === null) {
            release();
            controller.close();
          } else {
            controller.enqueue(chunk);
          }
        } catch (err) {
          release();
          controller.error(signal?.aborted ? signal.reason : tunnelError(id, err));
        }
      },
      cancel() {
        release();
        stream.reset('CANCEL', 'the caller cancelled the response body');
      },
    },
    // Pull only when the caller reads, so an unread body holds back its own stream's credit and nothing else.
    { highWaterMark: 0 },
  );
}

export function tunnelError(id: string, err: unknown): TmcError {
  if (err instanceof TmcError) return err;
  if (err instanceof StreamResetError && err.remote) {
    return new TmcError({
      type: err.code === 'REFUSED_STREAM' ? TmcErrorType.TooManyRequests : TmcErrorType.ServerError,
      message: `SyncTarget ${id}: the agent reset the stream (${err.code}): ${err.message}`,
      reason: err.code,
      cause: err,
    });
  }
  return new TmcError({
    type: TmcErrorType.ClusterUnreachable,
    message: `SyncTarget ${id}: tunnel lost: ${(err as Error).message}`,
    cause: err,
  });
}
