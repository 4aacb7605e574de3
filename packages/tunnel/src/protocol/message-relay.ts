import type { Logger } from '@kcp-tmc/interfaces';
import WebSocket from 'ws';
import { encodeMessage, MessageDecoder } from './messages.js';
import type { MuxStream } from './stream.js';

/** Socket bytes queued past which the relay stops reading the other side. */
const HIGH_WATER_MARK = 1024 * 1024;

/**
 * Joins an open WebSocket and an upgraded stream: messages both ways, each side's close as the other's end, a
 * failure on either side as an abort of the other. Resolves when both directions are done.
 */
export function relayMessages(ws: WebSocket, stream: MuxStream, logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    let wsDone = false;
    let streamDone = false;
    const finish = () => {
      if (wsDone && streamDone) resolve();
    };

    // WebSocket → stream. Writes on one stream must not overlap: chain them, and pause the socket while the
    // stream (its window or the tunnel connection) is behind.
    let writing: Promise<void> = Promise.resolve();
    let queued = 0;
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const frame = encodeMessage(bytes, isBinary);
      queued += frame.byteLength;
      if (queued > HIGH_WATER_MARK) ws.pause();
      writing = writing.then(async () => {
        await stream.write(frame);
        queued -= frame.byteLength;
        if (queued <= HIGH_WATER_MARK && ws.isPaused) ws.resume();
      });
      writing.catch(() => ws.terminate());
    });
    ws.once('close', (code) => {
      void writing
        .then(() => {
          if (code === 1000 || code === 1005) stream.end();
          else stream.reset('CANCEL', `WebSocket closed with ${code}`);
        })
        .catch(() => {})
        .finally(() => {
          wsDone = true;
          finish();
        });
    });
    ws.on('error', (err) => logger.debug('relayed WebSocket failed', { error: err.message }, 4));

    // Stream → WebSocket.
    void (async () => {
      const decoder = new MessageDecoder();
      try {
        for await (const chunk of stream) {
          for (const message of decoder.push(chunk)) {
            if (ws.readyState !== WebSocket.OPEN) return;
            await new Promise<void>((sent, failed) => {
              ws.send(message.data, { binary: message.binary }, (err) => (err ? failed(err) : sent()));
              // Wait for the write only while the socket is behind; otherwise keep reading.
              if (ws.bufferedAmount < HIGH_WATER_MARK) sent();
            });
          }
        }
        if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      } catch (err) {
        logger.debug('relayed stream failed', { error: (err as Error).message }, 4);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      } finally {
        streamDone = true;
        finish();
      }
    })();
  });
}
