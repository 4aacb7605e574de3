import { describe, expect, it } from 'vitest';
import { decodeReset, decodeWindowUpdate, type FrameType, FrameType as T } from './frames.js';
import { INITIAL_STREAM_WINDOW, MuxStream, type StreamHost, StreamResetError } from './stream.js';

interface Sent {
  type: FrameType;
  streamId: number;
  payload: Uint8Array;
}

/** Two streams joined by queues that are delivered only on `flush()`, so each test controls the interleaving. */
function pair(
  options: { windowA?: number; windowB?: number; maxFrameSize?: number; respond?: boolean } = {},
) {
  const closed: MuxStream[] = [];
  const makeHost = (outbox: Sent[]): StreamHost => ({
    maxFrameSize: options.maxFrameSize ?? 16 * 1024,
    sendFrame: (type, streamId, payload) => outbox.push({ type, streamId, payload: payload.slice() }),
    writable: () => Promise.resolve(),
    streamClosed: (stream) => closed.push(stream),
  });
  const toB: Sent[] = [];
  const toA: Sent[] = [];
  const a = new MuxStream(1, makeHost(toB), options.windowA);
  a.sendHead({ method: 'GET', path: '/x', headers: {} });
  const head = toB.shift();
  expect(head?.type).toBe(T.HEADERS);
  const b = new MuxStream(1, makeHost(toA), options.windowB, { method: 'GET', path: '/x', headers: {} });
  if (options.respond !== false) {
    b.sendHead({ status: 200, headers: {} });
    a.receiveHeaders(toA.shift()?.payload ?? new Uint8Array(0));
  }
  const deliver = (frames: Sent[], to: MuxStream) => {
    for (const frame of frames.splice(0)) {
      if (frame.type === T.HEADERS) to.receiveHeaders(frame.payload);
      else if (frame.type === T.DATA) to.receiveData(frame.payload);
      else if (frame.type === T.END) to.receiveEnd();
      else if (frame.type === T.RESET) {
        const reset = decodeReset(frame.payload);
        to.receiveReset(reset.code, reset.message);
      } else to.receiveWindowUpdate(decodeWindowUpdate(frame.payload));
    }
  };
  const flush = async () => {
    // Let pending writers run, then deliver both ways until quiet.
    for (let round = 0; round < 1000; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (toA.length === 0 && toB.length === 0) return;
      deliver(toB, b);
      deliver(toA, a);
    }
    throw new Error('frames kept flowing');
  };
  return { a, b, toA, toB, flush, closed };
}

function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

async function readAll(stream: MuxStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('MuxStream flow control', () => {
  it('stops a writer at the receive window until the reader consumes', async () => {
    const { a, b, flush } = pair();
    const payload = pattern(INITIAL_STREAM_WINDOW * 2 + 1234);
    let finished = false;
    const writing = b.write(payload).then(() => {
      finished = true;
    });
    await flush();
    // Nothing read yet: exactly one window crossed, the writer is parked on credit.
    expect(a.bufferedBytes).toBe(INITIAL_STREAM_WINDOW);
    expect(b.credit).toBe(0);
    expect(finished).toBe(false);

    const reading = readAll(a);
    await flush();
    await writing;
    b.end();
    await flush();
    expect(Buffer.compare(await reading, payload)).toBe(0);
  });

  it('returns credit in batches of a quarter window, not per chunk', async () => {
    const { a, b, toB, flush } = pair({ maxFrameSize: 1024 });
    await b.write(pattern(8 * 1024));
    await flush();
    for (let i = 0; i < 8; i++) await a.read();
    // 8 KiB read, far below a quarter of 256 KiB: no WINDOW_UPDATE yet.
    expect(toB.filter((frame) => frame.type === T.WINDOW_UPDATE)).toHaveLength(0);
    expect(b.credit).toBe(INITIAL_STREAM_WINDOW - 8 * 1024);
  });

  it('grants a window larger than the protocol default with one WINDOW_UPDATE at creation', async () => {
    const { a, b, flush } = pair({ windowA: 4 * INITIAL_STREAM_WINDOW });
    await flush();
    await b.write(pattern(3 * INITIAL_STREAM_WINDOW));
    await flush();
    expect(a.bufferedBytes).toBe(3 * INITIAL_STREAM_WINDOW);
  });

  it('resets a peer that sends past its credit', async () => {
    const { a, b, toB, flush } = pair();
    a.receiveData(new Uint8Array(INITIAL_STREAM_WINDOW + 1));
    const reset = toB.find((frame) => frame.type === T.RESET);
    expect(reset && decodeReset(reset.payload).code).toBe('FLOW_CONTROL_ERROR');
    await expect(a.read()).rejects.toMatchObject({ code: 'FLOW_CONTROL_ERROR', remote: false });
    await flush();
    await expect(b.write(pattern(10))).rejects.toMatchObject({ code: 'FLOW_CONTROL_ERROR', remote: true });
  });

  it('resets on a window that would overflow 2^31-1', () => {
    const { b, toA } = pair();
    b.receiveWindowUpdate(0x7fff_ffff);
    expect(toA.some((frame) => frame.type === T.RESET)).toBe(true);
    expect(b.error).toBeInstanceOf(StreamResetError);
  });
});

describe('MuxStream lifecycle', () => {
  it('delivers the data received before a reset, then the reset', async () => {
    const { a, b, flush } = pair();
    await b.write(pattern(100));
    b.reset('INTERNAL_ERROR', 'downstream went away');
    await flush();
    expect((await a.read())?.byteLength).toBe(100);
    await expect(a.read()).rejects.toThrow('downstream went away');
  });

  it('reads a complete answer as complete even when a reset follows its END', async () => {
    const { a, b, flush } = pair();
    await b.write(pattern(10));
    b.end();
    b.reset('CANCEL', 'the response is complete');
    await flush();
    expect(a.remoteComplete).toBe(true);
    expect((await a.read())?.byteLength).toBe(10);
    expect(await a.read()).toBeNull();
  });

  it('fails a writer parked on credit when the peer resets', async () => {
    const { a, b, flush } = pair();
    const writing = b.write(pattern(INITIAL_STREAM_WINDOW + 1));
    writing.catch(() => {}); // asserted below, after the frames flowed
    await flush();
    a.reset('CANCEL', 'caller gone');
    await flush();
    await expect(writing).rejects.toMatchObject({ code: 'CANCEL', remote: true });
  });

  it('fails the response head and readers on abort, and tells failure listeners once', async () => {
    const { a } = pair({ respond: false });
    const seen: Error[] = [];
    a.onFailure((err) => seen.push(err));
    const head = a.responseHead();
    const read = a.read();
    a.abort(new Error('connection lost'));
    a.abort(new Error('again'));
    await expect(head).rejects.toThrow('connection lost');
    await expect(read).rejects.toThrow('connection lost');
    expect(seen.map((err) => err.message)).toEqual(['connection lost']);
    const late: Error[] = [];
    a.onFailure((err) => late.push(err));
    expect(late).toHaveLength(1);
  });

  it('releases the stream from its session once both sides ended', async () => {
    const { a, b, flush, closed } = pair();
    a.end();
    await flush();
    expect(closed).toEqual([]);
    b.end();
    await flush();
    expect(closed).toHaveLength(2);
    expect(closed).toContain(a);
    expect(closed).toContain(b);
    expect((await a.responseHead()).status).toBe(200);
    expect(await a.read()).toBeNull();
  });

  it('treats frames out of order as protocol errors that reset only this stream', async () => {
    const { a, b, flush } = pair({ respond: false });
    a.receiveData(new Uint8Array(1)); // before the response HEADERS
    expect(a.error).toMatchObject({ code: 'PROTOCOL_ERROR' });
    await flush();
    expect(b.error).toMatchObject({ code: 'PROTOCOL_ERROR', remote: true });

    const second = pair();
    second.a.receiveHeaders(new Uint8Array(0));
    expect(second.a.error).toMatchObject({ code: 'PROTOCOL_ERROR' });
  });

  it('refuses overlapping writes and writes after end', async () => {
    const { b } = pair();
    const first = b.write(pattern(INITIAL_STREAM_WINDOW + 10));
    await expect(b.write(pattern(1))).rejects.toThrow(/overlapping/);
    b.abort(new Error('stop'));
    await expect(first).rejects.toThrow('stop');
    const other = pair();
    other.b.end();
    await expect(other.b.write(pattern(1))).rejects.toThrow(/after end/);
  });
});
