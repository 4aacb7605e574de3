import type { FrameType, ResetCode } from './frames.js';
import type { MuxStream } from './stream.js';

/**
 * Send credit every stream starts with in each direction, fixed by the protocol so neither side has to wait for
 * the other's settings. A receiver that wants a larger window grants the difference with a WINDOW_UPDATE as soon
 * as the stream exists.
 */
export const INITIAL_STREAM_WINDOW = 256 * 1024;
export const MAX_WINDOW = 0x7fff_ffff;

/** What a stream needs from its session. */
export interface StreamHost {
  readonly maxFrameSize: number;
  sendFrame(type: FrameType, streamId: number, payload: Uint8Array): void;
  /** Resolves once the connection's write buffer is below its high-water mark. */
  writable(): Promise<void>;
  /** Called once, when the stream needs no more frames routed to it. */
  streamClosed(stream: MuxStream): void;
}

export class StreamResetError extends Error {
  override readonly name = 'StreamResetError';
  constructor(
    readonly code: ResetCode,
    message: string,
    /** True when the peer reset the stream, false when this side did. */
    readonly remote: boolean,
  ) {
    super(message);
  }
}

/**
 * The receiving side's flow control of one stream: how many bytes the peer may still send, and when read bytes
 * are handed back to it as credit. Each method returns the WINDOW_UPDATE increment to send (0: none).
 */
export class ReceiveWindow {
  private remaining = INITIAL_STREAM_WINDOW;
  private unacked = 0;
  private pendingGrant: number;

  /** `size`: the window this side grants; larger than the protocol's initial one costs one WINDOW_UPDATE. */
  constructor(private readonly size: number) {
    this.pendingGrant = Math.max(Math.min(size, MAX_WINDOW) - INITIAL_STREAM_WINDOW, 0);
  }

  /** Bytes the peer may still send. */
  get credit(): number {
    return this.remaining;
  }

  /** The one-time grant that widens the protocol's initial window to `size`. */
  initialGrant(): number {
    const grant = this.pendingGrant;
    this.pendingGrant = 0;
    this.remaining += grant;
    return grant;
  }

  /** Accounts for received bytes; false when they exceed the credit (a flow-control error). */
  receive(bytes: number): boolean {
    if (bytes > this.remaining) return false;
    this.remaining -= bytes;
    return true;
  }

  /** Accounts for read bytes. */
  consumed(bytes: number): number {
    this.unacked += bytes;
    // Batch credit returns: one WINDOW_UPDATE per quarter window keeps frames few and the pipe full.
    if (this.unacked < this.size / 4) return 0;
    const increment = this.unacked;
    this.unacked = 0;
    this.remaining += increment;
    return increment;
  }
}

/** The sending side's flow control of one stream: bytes the peer will still accept, and a writer waiting for more. */
export class SendWindow {
  private remaining = INITIAL_STREAM_WINDOW;
  private waiter: { resolve(): void; reject(err: Error): void } | undefined;

  get credit(): number {
    return this.remaining;
  }

  /** Resolves once the peer grants credit; rejects when the stream fails first. */
  waitForCredit(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  take(bytes: number): void {
    this.remaining -= bytes;
  }

  /** Adds the peer's WINDOW_UPDATE; false when the window would pass 2^31-1 (a flow-control error). */
  grow(increment: number): boolean {
    if (this.remaining + increment > MAX_WINDOW) return false;
    this.remaining += increment;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
    return true;
  }

  fail(err: Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
  }
}
