import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decodeRequestHead,
  decodeReset,
  decodeResponseHead,
  decodeWindowUpdate,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameError,
  FrameType,
  jsonPayload,
  MAX_STREAM_ID,
  windowUpdatePayload,
} from './frames.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('frame codec', () => {
  it('lays out type, big-endian stream id and payload', () => {
    const encoded = encodeFrame({ type: FrameType.DATA, streamId: 0x01020304, payload: bytes(9, 8, 7) });
    expect([...encoded]).toEqual([FrameType.DATA, 1, 2, 3, 4, 9, 8, 7]);
  });

  it.each(Object.entries(FrameType))('round-trips a %s frame', (_name, type) => {
    const payload =
      type === FrameType.END
        ? new Uint8Array(0)
        : type === FrameType.WINDOW_UPDATE
          ? windowUpdatePayload(70_000)
          : bytes(1, 2, 3, 250);
    const decoded = decodeFrame(encodeFrame({ type, streamId: MAX_STREAM_ID, payload }));
    expect(decoded.type).toBe(type);
    expect(decoded.streamId).toBe(MAX_STREAM_ID);
    expect([...decoded.payload]).toEqual([...payload]);
  });

  it('decodes the payload as a view into the message, without copying', () => {
    const message = encodeFrame({ type: FrameType.DATA, streamId: 3, payload: bytes(5, 6) });
    const frame = decodeFrame(message);
    message[FRAME_HEADER_BYTES] = 42;
    expect(frame.payload[0]).toBe(42);
  });

  it('decodes a frame that sits at an offset inside a larger buffer', () => {
    const big = new Uint8Array(20);
    big.set(encodeFrame({ type: FrameType.DATA, streamId: 7, payload: bytes(1, 2) }), 10);
    const frame = decodeFrame(big.subarray(10, 17));
    expect(frame.streamId).toBe(7);
    expect([...frame.payload]).toEqual([1, 2]);
  });

  it('rejects malformed frames', () => {
    expect(() => decodeFrame(bytes(2, 0, 0, 0))).toThrow(FrameError);
    expect(() => decodeFrame(bytes(99, 0, 0, 0, 1))).toThrow(/unknown frame type 99/);
    expect(() => decodeFrame(bytes(FrameType.DATA, 0x80, 0, 0, 1))).toThrow(/out of range/);
    expect(() => decodeFrame(bytes(FrameType.END, 0, 0, 0, 1, 0))).toThrow(/END frame with a payload/);
    expect(() => decodeFrame(bytes(FrameType.WINDOW_UPDATE, 0, 0, 0, 1, 0, 1))).toThrow(/expected 4/);
  });

  it('refuses to encode what it could not decode', () => {
    expect(() => encodeFrame({ type: 42 as FrameType, streamId: 1, payload: bytes() })).toThrow(FrameError);
    expect(() => encodeFrame({ type: FrameType.DATA, streamId: -1, payload: bytes() })).toThrow(
      /out of range/,
    );
    expect(() =>
      encodeFrame({ type: FrameType.DATA, streamId: MAX_STREAM_ID + 1, payload: bytes() }),
    ).toThrow();
  });
});

describe('payloads', () => {
  it('decodes request and response heads', () => {
    const request = {
      method: 'GET',
      path: '/api/v1/namespaces/a/pods/b/log?follow=true',
      headers: { accept: '*/*' },
    };
    expect(decodeRequestHead(jsonPayload(request))).toEqual(request);
    expect(decodeRequestHead(jsonPayload({ method: 'GET', path: '/x' }))).toEqual({
      method: 'GET',
      path: '/x',
      headers: {},
    });
    expect(
      decodeResponseHead(jsonPayload({ status: 403, headers: { 'content-type': 'application/json' } })),
    ).toEqual({ status: 403, headers: { 'content-type': 'application/json' } });
  });

  it('rejects invalid heads with the field at fault', () => {
    expect(() => decodeRequestHead(bytes(0xff, 0xfe))).toThrow(/not UTF-8 JSON/);
    expect(() => decodeRequestHead(jsonPayload([1]))).toThrow(/not a JSON object/);
    expect(() => decodeRequestHead(jsonPayload({ path: '/x' }))).toThrow(/method missing/);
    expect(() => decodeRequestHead(jsonPayload({ method: 'GET', path: 'x' }))).toThrow(/path must start/);
    expect(() => decodeRequestHead(jsonPayload({ method: 'GET', path: '/x', headers: { a: 1 } }))).toThrow(
      /header a is not a string/,
    );
    expect(() => decodeResponseHead(jsonPayload({ status: 99 }))).toThrow(/status/);
    expect(() => decodeResponseHead(jsonPayload({ status: '200' }))).toThrow(/status/);
  });

  it('maps an unknown reset code to INTERNAL_ERROR and keeps the message', () => {
    expect(decodeReset(jsonPayload({ code: 'CANCEL', message: 'bye' }))).toEqual({
      code: 'CANCEL',
      message: 'bye',
    });
    expect(decodeReset(jsonPayload({ code: 'FROM_THE_FUTURE' }))).toEqual({
      code: 'INTERNAL_ERROR',
      message: '',
    });
  });

  it('encodes window increments as uint32 and rejects zero or out-of-range ones', () => {
    expect(decodeWindowUpdate(windowUpdatePayload(0xffff_ffff))).toBe(0xffff_ffff);
    expect([...windowUpdatePayload(0x01020304)]).toEqual([1, 2, 3, 4]);
    expect(() => windowUpdatePayload(0)).toThrow(FrameError);
    expect(() => windowUpdatePayload(2 ** 32)).toThrow(FrameError);
    expect(() => decodeWindowUpdate(bytes(0, 0, 0, 0))).toThrow(/zero increment/);
  });
});
