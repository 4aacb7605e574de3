import { readDataFile } from '../protobuf/data-file.js';

// kube-apiserver's published OpenAPI documents (k8s.io/kubernetes api/openapi-spec at the simulated version),
// restricted at generation time to the simulator's built-in group-versions (scripts/generate-api-data.mjs).

export type OpenApiDoc = Record<string, unknown>;

let v3: Record<string, OpenApiDoc> | undefined;
let v2: OpenApiDoc | undefined;

const MEDIA_TYPES_NOT_SERVED = /^application\/(cbor|cbor-seq|apply-patch\+cbor)$/;

/**
 * The published documents list CBOR media types, which kube-apiserver 1.35 serves only behind a feature gate
 * that is off by default (its served /openapi/v3 has none); they are dropped, and info.version is what the
 * server reports there.
 */
function asServed(doc: OpenApiDoc): OpenApiDoc {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (key === 'content' && record.content && typeof record.content === 'object') {
          const content = record.content as Record<string, unknown>;
          for (const type of Object.keys(content))
            if (MEDIA_TYPES_NOT_SERVED.test(type)) delete content[type];
        }
        walk(record[key]);
      }
    }
  };
  walk(doc);
  if (doc.info && typeof doc.info === 'object') (doc.info as Record<string, unknown>).version = '1.35';
  return doc;
}

/** Built-in /openapi/v3 documents keyed by path (`api/v1`, `apis/apps/v1`, `apis/apps`, `version`, ...). */
export function builtinV3(): Record<string, OpenApiDoc> {
  if (!v3) {
    const data = readDataFile<{ docs: Record<string, OpenApiDoc> }>('openapi-v3.json.br');
    v3 = Object.fromEntries(Object.entries(data.docs).map(([k, d]) => [k, asServed(d)]));
  }
  return v3;
}

/** The built-in Swagger 2.0 document (/openapi/v2), served group-versions' paths only. */
export function builtinV2(): OpenApiDoc {
  v2 ??= readDataFile<{ spec: OpenApiDoc }>('openapi-v2.json.br').spec;
  return v2;
}
