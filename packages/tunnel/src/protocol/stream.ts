import {
  decodeResponseHead,
  FrameError,
  FrameType,
  jsonPayload,
  type RequestHead,
  type ResetCode,
  type ResponseHead,
  windowUpdatePayload,
} from './frames.js';
import {
  INITIAL_STREAM_WINDOW,
  ReceiveWindow,
  SendWindow,
  type StreamHost,
  StreamResetError,
} from './stream-window.js';

export { INITIAL_STREAM_WINDOW, type StreamHost, StreamResetError } from './stream-window.js';

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

const EMPTY = new Uint8Array(0);

/**
 * One multiplexed, bidirectional byte stream with its own flow control: the peer may send at most `window`
 * unread bytes, so a reader that stops reading stalls only its own stream while the connection keeps flowing.
 */
export class MuxStream implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private readonly recv: ReceiveWindow;
  private readonly send = new SendWindow();
  private readWaiter: Waiter | undefined;
  private writing = false;
  private headSent = false;
  private remoteHeadSeen = false;
  private remoteHead: Promise<Uint8Array>;
  private settleRemoteHead!: { resolve(payload: Uint8Array): void; reject(err: Error): void };
  private failure: Error | undefined;
  private localEnded = false;
  private remoteEnded = false;
  private released = false;
  private readonly failureListeners: Array<(err: Error) => void> = [];

  constructor(
    readonly id: number,
    private readonly host: StreamHost,
    /** Receive window this side grants; larger than the protocol's initial one costs one WINDOW_UPDATE. */
    window: number = INITIAL_STREAM_WINDOW,
    /** For an accepted stream, the request head that opened it. */
    readonly requestHead?: RequestHead,
  ) {
    this.remoteHead = new Promise<Uint8Array>((resolve, reject) => {
      this.settleRemoteHead = { resolve, reject };
    });
    // Nobody may ever ask for the response head (an accepted stream); do not report that as unhandled.
    this.remoteHead.catch(() => {});
    if (requestHead !== undefined) this.remoteHeadSeen = true;
    this.recv = new ReceiveWindow(window);
    // An accepted stream already exists on both sides; an opened one only once its HEADERS went out.
    if (requestHead !== undefined) this.sendInitialGrant();
  }

  private sendInitialGrant(): void {
    this.grant(this.recv.initialGrant());
  }

  private grant(increment: number): void {
    if (increment > 0) this.host.sendFrame(FrameType.WINDOW_UPDATE, this.id, windowUpdatePayload(increment));
  }

  /** The error that ended the stream, if one did. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Calls `listener` once if the stream fails (reset by either side, or its connection lost). */
  onFailure(listener: (err: Error) => void): void {
    if (this.failure !== undefined) listener(this.failure);
    else this.failureListeners.push(listener);
  }

  /** True once the peer sent END (before any failure): everything it will send has arrived. */
  get remoteComplete(): boolean {
    return this.remoteEnded;
  }

  /** Bytes received and not yet read. */
  get bufferedBytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.byteLength;
    return total;
  }

  /** Send credit left (bytes the peer will still accept). */
  get credit(): number {
    return this.send.credit;
  }

  // ---- outbound -------------------------------------------------------------------------------------------

  sendHead(head: RequestHead | ResponseHead): void {
    this.assertWritable();
    if (this.headSent) throw new Error(`stream ${this.id}: HEADERS already sent`);
    this.headSent = true;
    this.host.sendFrame(FrameType.HEADERS, this.id, jsonPayload(head));
    if (this.requestHead === undefined) this.sendInitialGrant();
  }

  /**
   * Sends bytes, waiting for stream credit and connection buffer space; resolves when the last frame is queued.
   * Writes on one stream must not overlap.
   */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.writing) throw new Error(`stream ${this.id}: overlapping writes`);
    this.writing = true;
    try {
      let offset = 0;
      while (offset < chunk.byteLength) {
        this.assertWritable();
        if (this.send.credit === 0) {
          await this.send.waitForCredit();
          continue;
        }
        await this.host.writable();
        this.assertWritable();
        const size = Math.min(chunk.byteLength - offset, this.send.credit, this.host.maxFrameSize);
        if (size === 0) continue;
        this.host.sendFrame(FrameType.DATA, this.id, chunk.subarray(offset, offset + size));
        this.send.take(size);
        offset += size;
      }
    } finally {
      this.writing = false;
    }
  }

  /** Half-closes: this side sends nothing more. */
  end(): void {
    this.assertWritable();
    this.localEnded = true;
    this.host.sendFrame(FrameType.END, this.id, EMPTY);
    this.releaseIfDone();
  }

  /** Aborts the stream in both directions and tells the peer. A no-op once the stream has ended. */
  reset(code: ResetCode, message: string): void {
    if (this.failure !== undefined || (this.localEnded && this.remoteEnded)) return;
    this.host.sendFrame(FrameType.RESET, this.id, jsonPayload({ code, message }));
    this.fail(new StreamResetError(code, message, false));
  }

  /** Ends the stream locally without telling the peer (the connection is gone). */
  abort(err: Error): void {
    if (this.failure !== undefined) return;
    this.fail(err);
  }

  // ---- inbound --------------------------------------------------------------------------------------------

  /** The opener's view of the answer. */
  async responseHead(): Promise<ResponseHead> {
    return decodeResponseHead(await this.remoteHead);
  }

  /**
   * Next chunk, or `null` at the end. Chunks received before an error are still delivered first, and a peer
   * that ended its side before the stream failed (a complete answer, then a reset) still reads as complete.
   */
  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.consumed(chunk.byteLength);
        return chunk;
      }
      if (this.remoteEnded) return null;
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve, reject) => {
        this.readWaiter = { resolve, reject };
      });
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  // ---- called by the session --------------------------------------------------------------------------------

  receiveHeaders(payload: Uint8Array): void {
    if (this.remoteHeadSeen) {
      this.protocolError('second HEADERS frame');
      return;
    }
    this.remoteHeadSeen = true;
    this.settleRemoteHead.resolve(payload);
  }

  receiveData(payload: Uint8Array): void {
    if (this.failure !== undefined) return; // in flight when we reset: drop
    if (!this.remoteHeadSeen) {
      this.protocolError('DATA before HEADERS');
      return;
    }
    if (this.remoteEnded) {
      this.protocolError('DATA after END');
      return;
    }
    if (!this.recv.receive(payload.byteLength)) {
      this.reset(
        'FLOW_CONTROL_ERROR',
        `peer sent ${payload.byteLength} bytes with ${this.recv.credit} credit`,
      );
      return;
    }
    if (payload.byteLength > 0) this.chunks.push(payload);
    this.wakeReader();
  }

  receiveEnd(): void {
    if (this.failure !== undefined) return;
    if (this.remoteEnded) {
      this.protocolError('second END');
      return;
    }
    if (!this.remoteHeadSeen) {
      this.protocolError('END before HEADERS');
      return;
    }
    this.remoteEnded = true;
    this.wakeReader();
    this.releaseIfDone();
  }

  receiveReset(code: ResetCode, message: string): void {
    if (this.failure !== undefined) return;
    this.fail(new StreamResetError(code, message || `stream reset by peer (${code})`, true));
  }

  receiveWindowUpdate(increment: number): void {
    if (this.failure !== undefined) return;
    if (!this.send.grow(increment)) this.reset('FLOW_CONTROL_ERROR', 'window grew past 2^31-1');
  }

  // ---- internals --------------------------------------------------------------------------------------------

  private consumed(bytes: number): void {
    if (this.remoteEnded || this.failure !== undefined) return;
    this.grant(this.recv.consumed(bytes));
  }

  private assertWritable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.localEnded) throw new Error(`stream ${this.id}: write after end`);
  }

  private protocolError(message: string): void {
    this.reset('PROTOCOL_ERROR', new FrameError(message).message);
  }

  private fail(err: Error): void {
    this.failure = err;
    this.settleRemoteHead.reject(err);
    this.wakeReader();
    this.send.fail(err);
    this.release();
    for (const listener of this.failureListeners.splice(0)) listener(err);
  }

  private wakeReader(): void {
    const waiter = this.readWaiter;
    this.readWaiter = undefined;
    waiter?.resolve();
  }

  private releaseIfDone(): void {
    if (this.localEnded && this.remoteEnded) this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.host.streamClosed(this);
  }
}
