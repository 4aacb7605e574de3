import { createHash } from 'node:crypto';
import type { DiscoverySource } from '../discovery.js';
import { isPlainObject, type KubeObject } from '../types.js';
import { builtinV2, builtinV2Protobuf, builtinV3, type OpenApiDoc } from './builtin.js';
import { type CrdVersionInfo, crdGroupVersionDoc, crdVersions, schemaPrefix } from './crd-v3.js';
import { definitionsSuffix } from './gnostic.js';

/** A document as served: its bytes and the hash /openapi/v3 puts in serverRelativeURL and the ETag. */
export interface ServedDoc {
  bytes: Buffer;
  /** Upper-case hex SHA-512 of the bytes, as kube-apiserver computes it. */
  hash: string;
}

/** What the documents of one request's view are built from. */
export interface OpenApiSource {
  discovery: DiscoverySource;
  cluster: string;
  /** The cluster's CustomResourceDefinitions (their schemas). */
  crds(): KubeObject[];
}

// Documents every kube-apiserver lists besides the group-versions.
const FIXED_V3 = ['api', 'apis', 'version', 'logs', 'openid/v1/jwks'];

const builtinServed = new Map<string, ServedDoc>();

function hashed(bytes: Buffer): ServedDoc {
  return { bytes, hash: createHash('sha512').update(bytes).digest('hex').toUpperCase() };
}

function serve(doc: OpenApiDoc): ServedDoc {
  return hashed(Buffer.from(JSON.stringify(doc)));
}

function builtin(key: string): ServedDoc | undefined {
  let served = builtinServed.get(key);
  if (!served) {
    const doc = builtinV3()[key];
    if (!doc) return undefined;
    served = serve(doc);
    builtinServed.set(key, served);
  }
  return served;
}

function gvKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Served custom group-versions: CRD schemas, or permissive ones for resources no CRD describes (kcp's own). */
function customVersions(source: OpenApiSource, group: string, version: string): CrdVersionInfo[] {
  const fromCrds = source
    .crds()
    .flatMap(crdVersions)
    .filter((v) => v.group === group && v.version === version);
  const described = new Set(fromCrds.map((v) => v.plural));
  const others = source.discovery
    .resourcesIn(source.cluster, group, version)
    .filter((rt) => !described.has(rt.resource))
    .map((rt) => ({
      group,
      version,
      kind: rt.kind,
      listKind: rt.listKind,
      plural: rt.resource,
      namespaced: rt.namespaced,
      schema: undefined,
    }));
  return [...fromCrds, ...others];
}

/** The /openapi/v3 documents of a view, keyed by path, each built on demand. */
export function v3Documents(source: OpenApiSource): Map<string, () => ServedDoc | undefined> {
  const docs = new Map<string, () => ServedDoc | undefined>();
  for (const key of FIXED_V3) docs.set(key, () => builtin(key));
  const groups = [{ name: '', versions: ['v1'] }, ...source.discovery.groups(source.cluster)];
  for (const { name, versions } of groups) {
    const builtinGroup = name !== '' && builtinV3()[`apis/${name}`] !== undefined;
    if (builtinGroup) docs.set(`apis/${name}`, () => builtin(`apis/${name}`));
    for (const version of versions) {
      const key = gvKey(name, version);
      if (builtinV3()[key]) docs.set(key, () => builtin(key));
      else docs.set(key, () => serve(crdGroupVersionDoc(customVersions(source, name, version))));
    }
  }
  return new Map([...docs.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The /openapi/v3 discovery document: every path with its hash-pinned URL. */
export function v3Root(docs: Map<string, () => ServedDoc | undefined>): OpenApiDoc {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, build] of docs) {
    const doc = build();
    if (doc) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
  }
  return { paths };
}

/** Swagger 2.0 definitions of the served custom resource kinds (and their lists). */
function crdV2Definitions(source: OpenApiSource): Record<string, unknown> {
  const infos = source.crds().flatMap(crdVersions);
  if (infos.length === 0) return {};
  const schemas = (crdGroupVersionDoc(infos).components as { schemas: Record<string, unknown> }).schemas;
  const definitions: Record<string, unknown> = {};
  for (const info of infos) {
    for (const kind of [info.kind, info.listKind]) {
      const name = `${schemaPrefix(info.group, info.version)}.${kind}`;
      definitions[name] = toV2Schema(schemas[name]);
    }
  }
  return definitions;
}

/** Swagger 2.0 (/openapi/v2): the built-in document plus a definition per served custom resource kind. */
export function v2Document(source: OpenApiSource): ServedDoc {
  const custom = crdV2Definitions(source);
  if (Object.keys(custom).length === 0) return builtinV2Served();
  const base = builtinV2();
  return serve({ ...base, definitions: { ...(base.definitions as Record<string, unknown>), ...custom } });
}

/** The same document as gnostic protobuf (what kubectl asks /openapi/v2 for). */
export function v2ProtobufDocument(source: OpenApiSource): ServedDoc {
  const custom = crdV2Definitions(source);
  if (Object.keys(custom).length === 0) {
    v2ProtobufServed ??= hashed(builtinV2Protobuf());
    return v2ProtobufServed;
  }
  return hashed(Buffer.concat([builtinV2Protobuf(), definitionsSuffix(custom)]));
}

let v2ProtobufServed: ServedDoc | undefined;

let v2Served: ServedDoc | undefined;
function builtinV2Served(): ServedDoc {
  v2Served ??= serve(builtinV2());
  return v2Served;
}

/** OpenAPI v3 schema to Swagger 2.0: definitions refs, and no v3-only keywords (as kube-openapi drops them). */
function toV2Schema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toV2Schema);
  if (!isPlainObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (['nullable', 'anyOf', 'oneOf', 'not'].includes(k)) continue;
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'allOf' && Array.isArray(v) && v.length === 1 && isPlainObject(v[0]) && v[0].$ref)
      out.$ref = String(v[0].$ref).replace('#/components/schemas/', '#/definitions/');
    else out[k] = toV2Schema(v);
  }
  return out;
}
