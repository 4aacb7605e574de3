import type { Logger } from '@kcp-tmc/interfaces';
import { NOOP_LOGGER } from '@kcp-tmc/interfaces';
import type WebSocket from 'ws';
import {
  decodeFrame,
  decodeRequestHead,
  decodeReset,
  decodeWindowUpdate,
  encodeFrame,
  type Frame,
  FrameError,
  FrameType,
  jsonPayload,
  MAX_STREAM_ID,
  type RequestHead,
} from './frames.js';
import { INITIAL_STREAM_WINDOW, MuxStream, type StreamHost } from './stream.js';

/** WebSocket close code for a frame this side could not parse (RFC 6455: protocol error). */
const CLOSE_PROTOCOL_ERROR = 1002;

export interface MuxOptions {
  /**
   * `client` (the side that dialed the WebSocket) opens odd stream ids, `server` even ones, as in HTTP/2, so both
   * sides may open streams without colliding.
   */
  role: 'client' | 'server';
  /** Per-stream receive window (bytes); never below the protocol's 256 KiB initial window. */
  streamWindow?: number;
  /** Largest DATA payload per frame (bytes). */
  maxFrameSize?: number;
  /** Streams the peer may have open at once; more are refused with RESET REFUSED_STREAM. */
  maxConcurrentStreams?: number;
  /** Writers wait while the WebSocket holds more than this many unsent bytes. */
  writeHighWaterMark?: number;
  /** Called for every stream the peer opens, with its request head. */
  onStream?: (stream: MuxStream) => void;
  logger?: Logger;
}

export const DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
const DEFAULT_MAX_CONCURRENT_STREAMS = 1000;
const DEFAULT_WRITE_HIGH_WATER_MARK = 1024 * 1024;

/** Many request/response streams over one WebSocket. */
export class MuxSession implements StreamHost {
  readonly maxFrameSize: number;
  private readonly streams = new Map<number, MuxStream>();
  private readonly streamWindow: number;
  private readonly maxConcurrentStreams: number;
  private readonly highWaterMark: number;
  private readonly logger: Logger;
  private nextStreamId: number;
  /** Highest id the peer has opened; lower unknown ids are streams that already closed. */
  private lastPeerStreamId = 0;
  private pendingBytes = 0;
  private readonly writableWaiters: Array<() => void> = [];
  private closeError: Error | undefined;
  private readonly closeListeners: Array<(err: Error) => void> = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly options: MuxOptions,
  ) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.streamWindow = Math.max(options.streamWindow ?? INITIAL_STREAM_WINDOW, INITIAL_STREAM_WINDOW);
    this.maxConcurrentStreams = options.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS;
    this.highWaterMark = options.writeHighWaterMark ?? DEFAULT_WRITE_HIGH_WATER_MARK;
    this.logger = options.logger ?? NOOP_LOGGER;
    this.nextStreamId = options.role === 'client' ? 1 : 2;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code, reason) => {
      const text = reason.toString() || 'no reason';
      this.shutdown(new Error(`tunnel connection closed (${code}: ${text})`));
    });
    ws.on('error', (err) => this.shutdown(err));
  }

  get closed(): boolean {
    return this.closeError !== undefined;
  }

  /** Streams currently open. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Registers a listener for the end of the session, with the error that ended it. */
  onClose(listener: (err: Error) => void): void {
    if (this.closeError !== undefined) listener(this.closeError);
    else this.closeListeners.push(listener);
  }

  /** Opens a stream and sends its request head. */
  open(head: RequestHead): MuxStream {
    if (this.closeError !== undefined) throw this.closeError;
    if (this.nextStreamId > MAX_STREAM_ID) {
      // Ids never wrap: a fresh connection starts over.
      const err = new Error('tunnel stream ids exhausted');
      this.close(1000, err.message);
      throw err;
    }
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new MuxStream(id, this, this.streamWindow);
    this.streams.set(id, stream);
    stream.sendHead(head);
    return stream;
  }

  /** Closes the WebSocket; every open stream fails with `reason`. */
  close(code = 1000, reason = 'closing'): void {
    this.shutdown(new Error(`tunnel connection closed (${code}: ${reason})`));
    this.ws.close(code, reason);
  }

  // ---- StreamHost -------------------------------------------------------------------------------------------

  sendFrame(type: FrameType, streamId: number, payload: Uint8Array): void {
    if (this.closeError !== undefined) return;
    const data = encodeFrame({ type, streamId, payload });
    this.pendingBytes += data.byteLength;
    this.ws.send(data, { binary: true }, () => {
      this.pendingBytes -= data.byteLength;
      this.wakeWriters();
    });
  }

  writable(): Promise<void> {
    if (this.closeError !== undefined) return Promise.reject(this.closeError);
    if (this.pendingBytes < this.highWaterMark && this.writableWaiters.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.writableWaiters.push(resolve));
  }

  streamClosed(stream: MuxStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
  }

  // ---- inbound ----------------------------------------------------------------------------------------------

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closeError !== undefined) return;
    let frame: Frame;
    try {
      if (!isBinary || !Buffer.isBuffer(data)) throw new FrameError('text or fragmented message');
      frame = decodeFrame(data);
    } catch (err) {
      this.logger.warn('closing tunnel on a malformed frame', { error: (err as Error).message });
      this.close(CLOSE_PROTOCOL_ERROR, (err as Error).message.slice(0, 120));
      return;
    }
    try {
      this.dispatch(frame);
    } catch (err) {
      // A bad payload on one stream resets that stream only.
      const stream = this.streams.get(frame.streamId);
      if (stream !== undefined) stream.reset('PROTOCOL_ERROR', (err as Error).message);
      else this.refuse(frame.streamId, 'PROTOCOL_ERROR', (err as Error).message);
    }
  }

  private dispatch(frame: Frame): void {
    const { type, streamId, payload } = frame;
    const stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (type === FrameType.HEADERS && this.isPeerId(streamId) && streamId > this.lastPeerStreamId) {
        this.accept(streamId, payload);
      } else if (type !== FrameType.RESET && !this.isKnownClosed(streamId)) {
        throw new FrameError(`${type} frame for unknown stream ${streamId}`);
      }
      // Frames still in flight for a stream that already closed are dropped.
      return;
    }
    switch (type) {
      case FrameType.HEADERS:
        stream.receiveHeaders(payload);
        break;
      case FrameType.DATA:
        stream.receiveData(payload);
        break;
      case FrameType.END:
        stream.receiveEnd();
        break;
      case FrameType.RESET: {
        const reset = decodeReset(payload);
        stream.receiveReset(reset.code, reset.message);
        break;
      }
      case FrameType.WINDOW_UPDATE:
        stream.receiveWindowUpdate(decodeWindowUpdate(payload));
        break;
    }
  }

  private accept(id: number, payload: Uint8Array): void {
    this.lastPeerStreamId = id;
    const head = decodeRequestHead(payload);
    if (this.options.onStream === undefined) {
      this.refuse(id, 'REFUSED_STREAM', 'this side accepts no streams');
      return;
    }
    if (this.streams.size >= this.maxConcurrentStreams) {
      this.refuse(id, 'REFUSED_STREAM', `more than ${this.maxConcurrentStreams} concurrent streams`);
      return;
    }
    const stream = new MuxStream(id, this, this.streamWindow, head);
    this.streams.set(id, stream);
    this.options.onStream(stream);
  }

  private refuse(id: number, code: 'REFUSED_STREAM' | 'PROTOCOL_ERROR', message: string): void {
    this.sendFrame(FrameType.RESET, id, jsonPayload({ code, message }));
  }

  private isPeerId(id: number): boolean {
    const peerParity = this.options.role === 'client' ? 0 : 1;
    return id !== 0 && id % 2 === peerParity;
  }

  private isKnownClosed(id: number): boolean {
    return this.isPeerId(id) ? id <= this.lastPeerStreamId : id !== 0 && id < this.nextStreamId;
  }

  private wakeWriters(): void {
    while (this.pendingBytes < this.highWaterMark) {
      const waiter = this.writableWaiters.shift();
      if (waiter === undefined) return;
      waiter();
    }
  }

  private shutdown(err: Error): void {
    if (this.closeError !== undefined) return;
    this.closeError = err;
    for (const stream of [...this.streams.values()]) stream.abort(err);
    this.streams.clear();
    for (const waiter of this.writableWaiters.splice(0)) waiter();
    for (const listener of this.closeListeners.splice(0)) listener(err);
  }
}
