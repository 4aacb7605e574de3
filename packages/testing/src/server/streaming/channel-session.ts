import type WebSocket from 'ws';

/** The WebSocket remote-command subprotocols served, in preference order (v5 adds the close signal). */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5: `[255, channel]` closes one channel (stdin EOF) while the connection stays open. */
const CLOSE_SIGNAL = 255;

/** A metav1.Status, as the kubelet writes it on the error channel when the process ends. */
export function exitStatus(code: number, argv: string[]): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * One remote-command connection over the channel protocol: binary messages whose first byte names the
 * channel. Reads stdin (ending on the v5 close signal or the connection's end), writes stdout and stderr,
 * and finishes with a Status on the error channel and a normal close.
 */
export class ChannelSession {
  private readonly chunks: string[] = [];
  private stdinEnded = false;
  private wake: (() => void) | undefined;
  private finished = false;

  constructor(
    private readonly ws: WebSocket,
    /** With a TTY, stderr goes to stdout as on a terminal. */
    private readonly tty: boolean,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      const channel = data[0];
      if (channel === STDIN) this.pushStdin(data.subarray(1).toString('utf8'));
      else if (channel === CLOSE_SIGNAL && data[1] === STDIN) this.endStdin();
    });
    ws.on('close', () => {
      this.finished = true;
      this.endStdin();
    });
    ws.on('error', () => ws.terminate());
  }

  /** Runs when the client goes away or the session finishes. */
  onClose(listener: () => void): void {
    this.ws.on('close', listener);
  }

  private pushStdin(text: string): void {
    if (this.stdinEnded) return;
    this.chunks.push(text);
    this.wake?.();
  }

  private endStdin(): void {
    this.stdinEnded = true;
    this.wake?.();
  }

  /** Standard input as it arrives. */
  async *stdin(): AsyncGenerator<string> {
    for (;;) {
      const next = this.chunks.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.stdinEnded) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  write(channel: number, text: string): void {
    if (this.finished || text === '') return;
    const target = channel === STDERR && this.tty ? STDOUT : channel;
    this.ws.send(Buffer.concat([Buffer.from([target]), Buffer.from(text, 'utf8')]));
  }

  /** Sends the Status and closes normally (the client reads the error channel to its end). */
  finish(status: Record<string, unknown>): void {
    if (this.finished) return;
    this.ws.send(Buffer.concat([Buffer.from([ERROR]), Buffer.from(JSON.stringify(status), 'utf8')]));
    this.finished = true;
    this.ws.close(1000);
  }
}
