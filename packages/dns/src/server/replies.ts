import { type DecodedPacket, encode, type Packet } from 'dns-packet';

export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;

const QR = 0x8000;
const OPCODE_BITS = 0x7800;
const RD = 0x0100;
const CD = 0x0010;
const TC = 0x0200;

/** The smallest UDP answer every client takes (RFC 1035); more only when the query's EDNS says so. */
const UDP_MIN = 512;

/** An error answer as miekg/dns's SetRcode builds it: the query's id, opcode, RD and CD, its first question. */
export function errorReply(query: DecodedPacket, rcode: number): Buffer {
  const flags = ((query.flags ?? 0) & (OPCODE_BITS | RD | CD)) | rcode;
  const [question] = query.questions ?? [];
  return encode({
    type: 'response',
    id: query.id ?? 0,
    flags,
    questions: question === undefined ? [] : [question],
  });
}

/** FORMERR for a message that does not decode: only its header is trusted (null when not even that is there). */
export function formatErrorReply(message: Buffer): Buffer | null {
  if (message.length < 12 || (message.readUInt16BE(2) & QR) !== 0) return null;
  const reply = Buffer.alloc(12);
  reply.writeUInt16BE(message.readUInt16BE(0), 0);
  reply.writeUInt16BE(QR | (message.readUInt16BE(2) & (OPCODE_BITS | RD | CD)) | RCODE_FORMERR, 2);
  return reply;
}

/** The UDP payload size the client accepts: its EDNS OPT record's, at least 512. */
export function udpLimit(query: DecodedPacket): number {
  for (const rr of query.additionals ?? []) {
    if (rr.type === 'OPT') return Math.max(UDP_MIN, rr.udpPayloadSize);
  }
  return UDP_MIN;
}

/** A response that does not fit the client's UDP limit goes out truncated (TC), so the client asks over TCP. */
export function fitUdp(response: Packet, limit: number): Buffer {
  const whole = encode(response);
  if (whole.length <= limit) return whole;
  return encode({
    type: 'response',
    id: response.id ?? 0,
    flags: (response.flags ?? 0) | TC,
    questions: response.questions ?? [],
  });
}
