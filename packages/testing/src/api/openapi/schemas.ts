import { groupVersion } from '../resource-type.js';
import { isPlainObject, type KubeObject } from '../types.js';
import { builtinV3 } from './builtin.js';

type Schema = Record<string, unknown>;

/** A kind's schema and the named schemas its references resolve in. */
export interface KindSchema {
  schema: Schema;
  schemas: Record<string, Schema>;
  /** Built-in kinds: bare object schemas are raw JSON (see PruneContext). */
  builtin: boolean;
}

const byKind = new Map<string, KindSchema | null>();

function docKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function hasGvk(schema: Schema, group: string, version: string, kind: string): boolean {
  const gvks = schema['x-kubernetes-group-version-kind'];
  return (
    Array.isArray(gvks) &&
    gvks.some((g) => isPlainObject(g) && g.group === group && g.version === version && g.kind === kind)
  );
}

/** The schema of a built-in kind from the served /openapi/v3 document of its group-version. */
export function builtinKindSchema(group: string, version: string, kind: string): KindSchema | undefined {
  const key = `${groupVersion(group, version)}/${kind}`;
  let found = byKind.get(key);
  if (found === undefined) {
    const doc = builtinV3()[docKey(group, version)];
    const schemas = (doc?.components as { schemas?: Record<string, Schema> } | undefined)?.schemas ?? {};
    const schema = Object.values(schemas).find((s) => hasGvk(s, group, version, kind));
    found = schema ? { schema, schemas, builtin: true } : null;
    byKind.set(key, found);
  }
  return found ?? undefined;
}

/** A custom resource version's schema from its CRD, with apiVersion, kind and ObjectMeta as the server adds. */
export function crdKindSchema(crd: KubeObject, version: string): KindSchema | undefined {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
  const v = versions.find((x) => x.name === version);
  const root = isPlainObject(v?.schema) ? v.schema.openAPIV3Schema : undefined;
  if (!isPlainObject(root)) return undefined;
  const core = builtinV3()['api/v1']?.components as { schemas: Record<string, Schema> };
  const properties = isPlainObject(root.properties) ? root.properties : {};
  return {
    schema: {
      ...root,
      properties: {
        ...properties,
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      },
    },
    schemas: core.schemas,
    builtin: false,
  };
}
