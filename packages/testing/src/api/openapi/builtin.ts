import protobuf from 'protobufjs';
import { readDataBytes, readDataFile } from '../protobuf/data-file.js';

// kube-apiserver's published OpenAPI documents (k8s.io/kubernetes api/openapi-spec at the simulated version),
// restricted at generation time to the simulator's built-in group-versions and to the media types the server
// serves (scripts/generate-api-data.mjs).

export type OpenApiDoc = Record<string, unknown>;

let v3: Record<string, OpenApiDoc> | undefined;
let v2: V2Data | undefined;

/** Built-in /openapi/v3 documents keyed by path (`api/v1`, `apis/apps/v1`, `apis/apps`, `version`, ...). */
export function builtinV3(): Record<string, OpenApiDoc> {
  v3 ??= readDataFile<{ docs: Record<string, OpenApiDoc> }>('openapi-v3.json.br').docs;
  return v3;
}

interface V2Data {
  spec: OpenApiDoc;
  /** protobufjs descriptor of gnostic's OpenAPIv2.proto (package openapi.v2). */
  gnostic: protobuf.INamespace;
}

function v2Data(): V2Data {
  v2 ??= readDataFile<V2Data>('openapi-v2.json.br');
  return v2;
}

/** The built-in Swagger 2.0 document (/openapi/v2), served group-versions' paths only. */
export function builtinV2(): OpenApiDoc {
  return v2Data().spec;
}

let gnostic: protobuf.Root | undefined;

/** gnostic's openapi.v2 messages, for the protobuf form of /openapi/v2. */
export function gnosticRoot(): protobuf.Root {
  if (!gnostic) {
    gnostic = protobuf.Root.fromJSON(v2Data().gnostic);
    gnostic.resolveAll();
  }
  return gnostic;
}

let v2Protobuf: Buffer | undefined;

/** The built-in document as gnostic protobuf, converted by gnostic itself at generation time. */
export function builtinV2Protobuf(): Buffer {
  v2Protobuf ??= readDataBytes('openapi-v2.pb.br');
  return v2Protobuf;
}
