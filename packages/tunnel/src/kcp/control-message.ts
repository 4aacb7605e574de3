/**
 * Control messages on kcp's tunnel control connection: one JSON object per line (kcp: pkg/tunneler/tunnel.go
 * `controlMsg`). kcp sends `keep-alive` and `conn-ready`; the syncer answers a data connection it could not open
 * with `pickup-failed`.
 */
export interface ControlMessage {
  command?: string;
  connPath?: string;
  err?: string;
}

export function encodeControlMessage(message: ControlMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/** Splits a byte stream into control messages; a line that is not a JSON object ends the connection. */
export async function* readControlMessages(
  source: AsyncIterable<Buffer | string>,
): AsyncGenerator<ControlMessage> {
  let pending = '';
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      if (line === '') continue;
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`tunnel control message is not an object: ${line.slice(0, 200)}`);
      }
      yield parsed as ControlMessage;
    }
  }
}
