import type protobuf from 'protobufjs';
import { jsonToProto, protoToJson } from './convert.js';
import { type KubeProto, kubeProto } from './descriptor.js';

/** kube-apiserver's protobuf media type (k8s.io/apimachinery runtime/serializer/protobuf). */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** Every protobuf-encoded object starts with these four bytes, then a runtime.Unknown message. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/** Thrown for a body that is not a protobuf-encoded object of a kind with a protobuf form. */
export class ProtobufDecodeError extends Error {}

function messageOrThrow(proto: KubeProto, apiVersion: string, kind: string): protobuf.Type {
  const type = proto.messageOf(apiVersion, kind);
  if (!type) throw new ProtobufDecodeError(`no protobuf message for ${apiVersion}, Kind=${kind}`);
  return type;
}

/** Whether a kind has a protobuf form (built-in kinds do; custom resources never). */
export function hasProtobuf(apiVersion: string, kind: string): boolean {
  return kubeProto().messageOf(apiVersion, kind) !== undefined;
}

/** The object's protobuf bytes without the envelope (as runtime.RawExtension and watch events embed them). */
export function encodeMessage(object: Record<string, unknown>): Uint8Array {
  const proto = kubeProto();
  const type = messageOrThrow(proto, String(object.apiVersion ?? ''), String(object.kind ?? ''));
  return type.encode(jsonToProto(proto, object, type) ?? {}).finish();
}

/** `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding: "", contentType: ""}, as Go's serializer writes. */
export function encodeObject(object: Record<string, unknown>): Buffer {
  const proto = kubeProto();
  const raw = encodeMessage(object);
  const envelope = proto.root.lookupType(UNKNOWN).encode({
    typeMeta: { apiVersion: String(object.apiVersion ?? ''), kind: String(object.kind ?? '') },
    raw,
    contentEncoding: '',
    contentType: '',
  });
  return Buffer.concat([PROTOBUF_MAGIC, envelope.finish()]);
}

/**
 * Decodes a protobuf-encoded object into its JSON form (kind and apiVersion from the envelope's TypeMeta, or the
 * defaults given when the envelope leaves them empty, as Go's decoder does with the endpoint's kind).
 */
export function decodeObject(
  body: Uint8Array,
  defaults: { apiVersion: string; kind: string } = { apiVersion: '', kind: '' },
): Record<string, unknown> {
  if (body.length < 4 || !PROTOBUF_MAGIC.equals(body.subarray(0, 4))) {
    throw new ProtobufDecodeError(
      `provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_MAGIC].join(' ')}]`,
    );
  }
  const proto = kubeProto();
  let unknown: Record<string, unknown>;
  try {
    unknown = proto.root.lookupType(UNKNOWN).decode(body.subarray(4)) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new ProtobufDecodeError(err instanceof Error ? err.message : String(err));
  }
  const meta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = meta.apiVersion || defaults.apiVersion;
  const kind = meta.kind || defaults.kind;
  const type = messageOrThrow(proto, apiVersion, kind);
  let message: unknown;
  try {
    message = type.decode((unknown.raw as Uint8Array | undefined) ?? new Uint8Array());
  } catch (err) {
    throw new ProtobufDecodeError(err instanceof Error ? err.message : String(err));
  }
  return { kind, apiVersion, ...(protoToJson(proto, message, type) as Record<string, unknown>) };
}
