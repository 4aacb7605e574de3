import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, entityTooLarge, unsupportedMediaType } from '../api/status.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import { MAX_REQUEST_BYTES } from '../api/validation.js';
import { decodeProtobufBody, type ProtobufKind } from './protobuf-io.js';

/** Reads a request body up to kube-apiserver's 3 MiB limit (413 beyond it), never buffering more. */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      // Drain without storing so the connection stays usable for the 413 answer.
      req.resume();
      reject(entityTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(entityTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function describeJsonError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Parses JSON text the way the apiserver's decoder reports failures: 400 BadRequest. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${describeJsonError(err)}`);
  }
}

/** Decodes a create/update body (JSON, YAML, or protobuf for a kind that has a protobuf form) into an object. */
export function decodeObject(req: IncomingMessage, body: Buffer, protobuf?: ProtobufKind): KubeObject {
  const type = mediaType(req);
  let value: unknown;
  if (type === 'application/vnd.kubernetes.protobuf') {
    return decodeProtobufBody(body, protobuf);
  } else if (type === '' || type === 'application/json' || type === '*/*') {
    value = parseJson(body.toString('utf8'));
  } else if (type === 'application/yaml') {
    try {
      value = parseYaml(body.toString('utf8'));
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${describeJsonError(err)}`);
    }
  } else {
    throw unsupportedMediaType(type, [
      'application/json',
      'application/yaml',
      'application/vnd.kubernetes.protobuf',
    ]);
  }
  if (!isPlainObject(value)) {
    throw badRequest(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  }
  if (value.metadata !== undefined && !isPlainObject(value.metadata)) {
    throw badRequest('json: cannot unmarshal into Go struct field Object.metadata of type v1.ObjectMeta');
  }
  return value as KubeObject;
}

export function queryFlag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${v}`);
  return n;
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
