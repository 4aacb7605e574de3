/**
 * WebSocket messages carried inside one stream's DATA bytes, for upgraded requests (exec, attach): DATA may
 * split or join messages anywhere, so each is length-prefixed.
 *
 *   uint32 BE  payload length
 *   uint8      1 = binary, 0 = text
 *   payload
 */
export const MESSAGE_HEADER_BYTES = 5;
/** Larger messages are a broken peer (kube's exec streams use small frames). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface TunneledMessage {
  data: Buffer;
  binary: boolean;
}

export function encodeMessage(data: Uint8Array, binary: boolean): Buffer {
  const out = Buffer.allocUnsafe(MESSAGE_HEADER_BYTES + data.byteLength);
  out.writeUInt32BE(data.byteLength, 0);
  out[4] = binary ? 1 : 0;
  out.set(data, MESSAGE_HEADER_BYTES);
  return out;
}

/** Reassembles messages from DATA chunks cut at arbitrary places. */
export class MessageDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Uint8Array): TunneledMessage[] {
    this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.pendingBytes += chunk.byteLength;
    const out: TunneledMessage[] = [];
    for (;;) {
      if (this.pendingBytes < MESSAGE_HEADER_BYTES) return out;
      const joined = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
      this.pending = [joined];
      const length = joined.readUInt32BE(0);
      if (length > MAX_MESSAGE_BYTES) throw new RangeError(`tunneled message of ${length} bytes`);
      const kind = joined[4];
      if (kind !== 0 && kind !== 1) throw new RangeError(`tunneled message kind ${kind}`);
      if (this.pendingBytes < MESSAGE_HEADER_BYTES + length) return out;
      out.push({
        data: joined.subarray(MESSAGE_HEADER_BYTES, MESSAGE_HEADER_BYTES + length),
        binary: kind === 1,
      });
      const rest = joined.subarray(MESSAGE_HEADER_BYTES + length);
      this.pending = rest.byteLength === 0 ? [] : [rest];
      this.pendingBytes = rest.byteLength;
    }
  }

  /** Bytes of an incomplete message held back. */
  get buffered(): number {
    return this.pendingBytes;
  }
}
