// DNS over TCP frames every message with its length (RFC 1035 4.2.2): two bytes, big-endian.

/** The message with its two-byte length in front. */
export function tcpFrame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

/** The first complete message in `received` and the bytes after it; undefined until all of it arrived. */
export function firstTcpMessage(received: Buffer): { message: Buffer; rest: Buffer } | undefined {
  if (received.length < 2) return undefined;
  const size = received.readUInt16BE(0);
  if (received.length < 2 + size) return undefined;
  return { message: received.subarray(2, 2 + size), rest: received.subarray(2 + size) };
}
