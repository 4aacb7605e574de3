import type { IncomingMessage, ServerResponse } from 'node:http';
import { kubeProto } from '../api/protobuf/descriptor.js';
import {
  decodeObject as decodeProtobuf,
  encodeObject,
  hasProtobuf,
  PROTOBUF_MEDIA_TYPE,
  ProtobufDecodeError,
} from '../api/protobuf/envelope.js';
import { ApiError, badRequest, unsupportedMediaType } from '../api/status.js';
import type { KubeObject } from '../api/types.js';

// kube-apiserver's content negotiation for protobuf (k8s.io/apiserver endpoints/handlers/negotiation): built-in
// kinds answer `application/vnd.kubernetes.protobuf` when the client prefers it; custom resources never do.

/** Responses whose body goes out as protobuf; everything else stays JSON. */
const protobufResponses = new WeakSet<ServerResponse>();

const WATCH_MEDIA_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

/** Accept header ranges, highest q first (ties in the client's order), without q=0 ones. */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    const q = params.q === undefined ? 1 : Number(params.q);
    delete params.q;
    ranges.push({ type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 });
  }
  // Highest q first; ties keep the client's order.
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
}

/**
 * Decides a resource request's response encoding from its Accept header: protobuf when the client's preferred
 * range is protobuf (without `as=` conversions such as Table) and the kind has a protobuf form. A client that
 * accepts nothing but protobuf for a custom resource gets 406, as kube-apiserver answers (measured on
 * kube-apiserver v1.35.4, in protobuf like any error to such a client).
 */
export function negotiateResponse(
  req: IncomingMessage,
  res: ServerResponse,
  kind: ProtobufKind | undefined,
): void {
  const ranges = parseAccept(String(req.headers.accept ?? ''));
  const first = ranges[0];
  if (!first || first.type !== PROTOBUF_MEDIA_TYPE || first.params.as !== undefined) return;
  if (kind !== undefined) {
    protobufResponses.add(res);
    return;
  }
  if (ranges.every((r) => r.type === PROTOBUF_MEDIA_TYPE)) {
    protobufResponses.add(res);
    throw new ApiError(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
  }
}

/** The built-in kind a resource's bodies carry, or undefined when it has no protobuf form (custom resources). */
export interface ProtobufKind {
  apiVersion: string;
  kind: string;
}

export function protobufKind(apiVersion: string, kind: string, builtin: boolean): ProtobufKind | undefined {
  return builtin && hasProtobuf(apiVersion, kind) ? { apiVersion, kind } : undefined;
}

/** Go's summarizeData for decode errors: JSON-looking text as is, anything else as hex, cut at 30 bytes. */
function summarize(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const cut = body.subarray(0, 30);
  const text = body[0] === 0x7b ? cut.toString('utf8') : cut.toString('hex');
  return body.length > 30 ? `${text} ...` : text;
}

/** Decodes a protobuf request body for a kind, with kube-apiserver's 415 and 400 answers. */
export function decodeProtobufBody(body: Buffer, kind: ProtobufKind | undefined): KubeObject {
  if (kind === undefined) {
    // kube-apiserver v1.35.4 drops the connection for a protobuf body to a custom resource (measured); a 415 that
    // lists what custom resources take is the useful answer.
    throw unsupportedMediaType(PROTOBUF_MEDIA_TYPE, ['application/json', 'application/yaml']);
  }
  try {
    return decodeProtobuf(body, kind) as KubeObject;
  } catch (err) {
    if (!(err instanceof ProtobufDecodeError)) throw err;
    throw badRequest(
      `the object provided is unrecognized (must be of type ${kind.kind}): ${err.message} (${summarize(body)})`,
    );
  }
}

/** Sends a JSON body (text or object) as protobuf when the response was negotiated so; false otherwise. */
export function sendProtobuf(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string>,
): boolean {
  if (!protobufResponses.has(res)) return false;
  const object = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
  if (!hasProtobuf(String(object.apiVersion ?? ''), String(object.kind ?? ''))) return false;
  const bytes = encodeObject(object);
  res.writeHead(code, {
    'content-type': PROTOBUF_MEDIA_TYPE,
    'content-length': bytes.length,
    'cache-control': 'no-cache, private',
    ...headers,
  });
  res.end(bytes);
  return true;
}

/** The content type of a watch stream on this response. */
export function watchContentType(res: ServerResponse): string {
  return protobufResponses.has(res) ? WATCH_MEDIA_TYPE : 'application/json';
}

/**
 * One watch event as the stream carries it: the JSON line unchanged, or for protobuf a 4-byte big-endian length
 * and a meta.v1.WatchEvent whose object is the `k8s\0`-enveloped object (framing measured on kube-apiserver).
 */
export function watchFrame(res: ServerResponse, line: string): string | Buffer {
  if (!protobufResponses.has(res)) return line;
  const event = JSON.parse(line) as { type: string; object: Record<string, unknown> };
  const raw = encodeObject(event.object);
  const type = kubeProto().root.lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');
  const message = type.encode({ type: event.type, object: { raw } }).finish();
  const frame = Buffer.alloc(4 + message.length);
  frame.writeUInt32BE(message.length, 0);
  frame.set(message, 4);
  return frame;
}
