import { groupVersion } from '../resource-type.js';
import { isPlainObject, type KubeObject } from '../types.js';
import { builtinV3, type OpenApiDoc } from './builtin.js';

// The /openapi/v3 document of a custom resource group-version, shaped like apiextensions-apiserver's
// (pkg/controller/openapi/builder): the CRD's openAPIV3Schema with apiVersion/kind/metadata and the GVK
// extension, a List schema, and the resource's paths with the same parameters built-in resources have.

type Obj = Record<string, unknown>;

const TEMPLATE_GV = 'api/v1';
const TEMPLATE = {
  collection: '/api/v1/namespaces/{namespace}/configmaps',
  item: '/api/v1/namespaces/{namespace}/configmaps/{name}',
  all: '/api/v1/configmaps',
};
const CRD_PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
];
const CRD_MEDIA_TYPES = ['application/json', 'application/yaml'];

/** `example.com` -> `com.example`, the schema name prefix kube-openapi gives a group. */
export function schemaPrefix(group: string, version: string): string {
  return `${group.split('.').reverse().join('.')}.${version}`;
}

function camel(text: string): string {
  return text
    .split(/[.-]/)
    .map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1)))
    .join('');
}

/** The parts of a served CRD version that its document needs. */
export interface CrdVersionInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  namespaced: boolean;
  schema: Obj | undefined;
}

export function crdVersions(crd: KubeObject): CrdVersionInfo[] {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
  return versions
    .filter((v) => v.served !== false)
    .map((v) => {
      const schema = isPlainObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
      return {
        group: String(spec.group),
        version: String(v.name),
        kind: String(names.kind),
        listKind: String(names.listKind ?? `${String(names.kind)}List`),
        plural: String(names.plural),
        namespaced: spec.scope === 'Namespaced',
        schema: isPlainObject(schema) ? schema : undefined,
      };
    });
}

function objectSchema(info: CrdVersionInfo, meta: Obj): Obj {
  const base: Obj = info.schema
    ? structuredClone(info.schema)
    : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const props = isPlainObject(base.properties) ? base.properties : {};
  base.properties = {
    ...props,
    apiVersion: meta.apiVersion,
    kind: meta.kind,
    metadata: {
      description:
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    },
  };
  base['x-kubernetes-group-version-kind'] = [{ group: info.group, kind: info.kind, version: info.version }];
  return base;
}

function listSchema(info: CrdVersionInfo, prefix: string, meta: Obj): Obj {
  return {
    description: `${info.listKind} is a list of ${info.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: meta.apiVersion,
      items: {
        description: `List of ${info.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: 'array',
        items: { $ref: `#/components/schemas/${prefix}.${info.kind}` },
      },
      kind: meta.kind,
      metadata: {
        description:
          'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
        allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' }],
      },
    },
    'x-kubernetes-group-version-kind': [{ group: info.group, kind: info.listKind, version: info.version }],
  };
}

/** A built-in path item rewritten for the custom resource (names, schemas, media types, GVK). */
function pathItem(template: unknown, info: CrdVersionInfo, prefix: string): Obj {
  const gvCamel = camel(`${info.group}-${info.version}`);
  const gvTag = `${camel(info.group)}_${info.version}`;
  let text = JSON.stringify(template)
    .replaceAll('io.k8s.api.core.v1.ConfigMapList', `${prefix}.${info.listKind}`)
    .replaceAll('io.k8s.api.core.v1.ConfigMap', `${prefix}.${info.kind}`)
    .replaceAll('CoreV1', gvCamel.charAt(0).toUpperCase() + gvCamel.slice(1))
    .replaceAll('"core_v1"', JSON.stringify(gvTag))
    .replaceAll('ConfigMapList', info.listKind)
    .replaceAll('ConfigMap', info.kind);
  if (!info.namespaced) text = text.replaceAll('Namespaced', '');
  const item = JSON.parse(text) as Obj;
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters' && Array.isArray(op) && !info.namespaced)
      item.parameters = op.filter((p) => !(isPlainObject(p) && p.name === 'namespace'));
    if (!isPlainObject(op)) continue;
    const gvk = op['x-kubernetes-group-version-kind'];
    if (isPlainObject(gvk)) Object.assign(gvk, { group: info.group, version: info.version });
    const body = isPlainObject(op.requestBody) ? op.requestBody : undefined;
    if (body && isPlainObject(body.content)) {
      const keep = method === 'patch' ? CRD_PATCH_TYPES : CRD_MEDIA_TYPES;
      for (const t of Object.keys(body.content)) if (!keep.includes(t)) delete body.content[t];
    }
    for (const response of Object.values(isPlainObject(op.responses) ? op.responses : {})) {
      if (!isPlainObject(response) || !isPlainObject(response.content)) continue;
      for (const t of Object.keys(response.content))
        if (!CRD_MEDIA_TYPES.includes(t)) delete response.content[t];
    }
  }
  return item;
}

/** Every schema a document references, taken from the built-in core/v1 document. */
function referencedSchemas(doc: Obj, from: Obj): Obj {
  const out: Obj = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isPlainObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') {
          const name = v.replace('#/components/schemas/', '');
          if (!(name in out) && name in from) {
            out[name] = from[name];
            walk(from[name]);
          }
        } else walk(v);
      }
    }
  };
  walk(doc);
  return out;
}

/** The /openapi/v3 document of one group-version served by custom resources. */
export function crdGroupVersionDoc(infos: CrdVersionInfo[]): OpenApiDoc {
  const core = builtinV3()[TEMPLATE_GV] as Obj;
  const coreSchemas = (core.components as Obj).schemas as Obj;
  const corePaths = core.paths as Obj;
  const configMap = coreSchemas['io.k8s.api.core.v1.ConfigMap'] as Obj;
  const meta = configMap.properties as Obj;
  const schemas: Obj = {};
  const paths: Obj = {};
  for (const info of infos) {
    const prefix = schemaPrefix(info.group, info.version);
    schemas[`${prefix}.${info.kind}`] = objectSchema(info, meta);
    schemas[`${prefix}.${info.listKind}`] = listSchema(info, prefix, meta);
    const base = `/apis/${groupVersion(info.group, info.version)}`;
    const scoped = info.namespaced
      ? `${base}/namespaces/{namespace}/${info.plural}`
      : `${base}/${info.plural}`;
    paths[scoped] = pathItem(corePaths[TEMPLATE.collection], info, prefix);
    paths[`${scoped}/{name}`] = pathItem(corePaths[TEMPLATE.item], info, prefix);
    if (info.namespaced) paths[`${base}/${info.plural}`] = pathItem(corePaths[TEMPLATE.all], info, prefix);
  }
  const doc: Obj = { openapi: '3.0.0', info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' }, paths };
  doc.components = { schemas: { ...referencedSchemas({ paths, schemas }, coreSchemas), ...schemas } };
  return doc;
}
