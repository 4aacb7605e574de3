/**
 * The OpenAPI v2 document as kcp's schema puller reads it (kube-openapi's `proto` models, which kcp v0.11's
 * crdpuller walks): every definition is one of six shapes, decided by `$ref`, `type` and `properties` alone.
 * Parsed lazily, one definition at a time, so only what a pulled resource reaches is ever built.
 */

/** One schema of `definitions` (or nested in one), as served at /openapi/v2 in JSON. */
export interface OpenApiV2Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, OpenApiV2Schema>>;
  readonly additionalProperties?: OpenApiV2Schema | boolean;
  readonly items?: OpenApiV2Schema | readonly OpenApiV2Schema[];
  readonly required?: readonly string[];
  readonly [extension: `x-${string}`]: unknown;
}

export interface OpenApiV2Document {
  readonly definitions?: Readonly<Record<string, OpenApiV2Schema>>;
}

interface Base {
  readonly description: string;
  /** Every `x-*` vendor extension of the schema. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Definition name plus `.field` per property (array items and map values keep their parent's path). */
  readonly path: string;
}

export type SchemaNode =
  | (Base & { readonly shape: 'ref'; readonly ref: string })
  | (Base & {
      readonly shape: 'kind';
      readonly fields: ReadonlyMap<string, SchemaNode>;
      readonly required: readonly string[] | undefined;
    })
  | (Base & { readonly shape: 'map'; readonly values: SchemaNode })
  | (Base & { readonly shape: 'array'; readonly items: SchemaNode })
  | (Base & { readonly shape: 'primitive'; readonly type: string; readonly format: string })
  | (Base & { readonly shape: 'arbitrary' });

/** A definition the document cannot be read as (kube-openapi refuses these too). */
export class OpenApiSchemaError extends Error {
  constructor(path: string, message: string) {
    super(path === '' ? `SchemaError: ${message}` : `SchemaError(${path}): ${message}`);
    this.name = 'OpenApiSchemaError';
  }
}

const DEFINITIONS_PREFIX = '#/definitions/';
const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

/** The definitions of one OpenAPI v2 document, parsed on first use. */
export class OpenApiModels {
  private readonly parsed = new Map<string, SchemaNode>();
  private readonly definitions: Readonly<Record<string, OpenApiV2Schema>>;

  constructor(document: OpenApiV2Document) {
    this.definitions = document.definitions ?? {};
  }

  names(): string[] {
    return Object.keys(this.definitions).sort();
  }

  /** The parsed definition, or undefined when the document has no such name. */
  lookup(name: string): SchemaNode | undefined {
    const known = this.parsed.get(name);
    if (known !== undefined) return known;
    const schema = this.definitions[name];
    if (schema === undefined) return undefined;
    const node = this.parse(schema, name);
    this.parsed.set(name, node);
    return node;
  }

  /** The definition's `x-kubernetes-group-version-kind` entries (group `core` read as ''). */
  groupVersionKinds(name: string): Array<{ group: string; version: string; kind: string }> {
    const gvks = this.definitions[name]?.['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) return [];
    return gvks.flatMap((entry: { group?: unknown; version?: unknown; kind?: unknown }) => {
      if (typeof entry.kind !== 'string' || entry.kind === '') return [];
      const group = typeof entry.group === 'string' && entry.group !== 'core' ? entry.group : '';
      return [{ group, version: String(entry.version ?? ''), kind: entry.kind }];
    });
  }

  private parse(schema: OpenApiV2Schema, path: string): SchemaNode {
    if (typeof schema.$ref === 'string' && schema.$ref !== '') return this.parseRef(schema, path);
    const types = typeList(schema.type);
    if (types.length > 1)
      throw new OpenApiSchemaError(path, "definitions with multiple types aren't supported");
    const type = types[0];
    // Older servers published objects without `type: object`: properties alone make a kind.
    if (type === undefined) {
      return schema.properties !== undefined
        ? this.parseKind(schema, path)
        : { ...base(schema, path), shape: 'arbitrary' };
    }
    if (type === 'object') {
      return schema.properties !== undefined ? this.parseKind(schema, path) : this.parseMap(schema, path);
    }
    if (type === 'array') return this.parseArray(schema, path);
    if (!PRIMITIVES.has(type)) throw new OpenApiSchemaError(path, `Unknown primitive type: "${type}"`);
    return { ...base(schema, path), shape: 'primitive', type, format: schema.format ?? '' };
  }

  private parseRef(schema: OpenApiV2Schema, path: string): SchemaNode {
    if (Object.keys(schema.properties ?? {}).length > 0) {
      throw new OpenApiSchemaError(path, 'unallowed embedded type definition');
    }
    if (typeList(schema.type).length > 0) {
      throw new OpenApiSchemaError(path, "definition reference can't have a type");
    }
    const target = schema.$ref as string;
    if (!target.startsWith(DEFINITIONS_PREFIX)) {
      throw new OpenApiSchemaError(path, `unallowed reference to non-definition "${target}"`);
    }
    const ref = target.slice(DEFINITIONS_PREFIX.length);
    if (this.definitions[ref] === undefined) {
      throw new OpenApiSchemaError(path, `unknown model in reference: "${ref}"`);
    }
    return { ...base(schema, path), shape: 'ref', ref };
  }

  private parseKind(schema: OpenApiV2Schema, path: string): SchemaNode {
    const fields = new Map<string, SchemaNode>();
    for (const [name, field] of Object.entries(schema.properties ?? {})) {
      fields.set(name, this.parse(field, `${path}.${name}`));
    }
    return { ...base(schema, path), shape: 'kind', fields, required: schema.required };
  }

  private parseMap(schema: OpenApiV2Schema, path: string): SchemaNode {
    const additional = schema.additionalProperties;
    // Without a value schema the values are arbitrary, described by the map itself.
    const values: SchemaNode =
      typeof additional === 'object' && additional !== null
        ? this.parse(additional, path)
        : { ...base(schema, path), shape: 'arbitrary' };
    return { ...base(schema, path), shape: 'map', values };
  }

  private parseArray(schema: OpenApiV2Schema, path: string): SchemaNode {
    const items = Array.isArray(schema.items)
      ? schema.items
      : schema.items === undefined
        ? []
        : [schema.items];
    if (items.length !== 1) throw new OpenApiSchemaError(path, 'array should have exactly one sub-item');
    return { ...base(schema, path), shape: 'array', items: this.parse(items[0] as OpenApiV2Schema, path) };
  }
}

function typeList(type: OpenApiV2Schema['type']): readonly string[] {
  if (type === undefined) return [];
  return typeof type === 'string' ? [type] : type;
}

function base(schema: OpenApiV2Schema, path: string): Base {
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') && value !== undefined && value !== null) extensions[key] = value;
  }
  return { description: schema.description ?? '', extensions, path };
}
