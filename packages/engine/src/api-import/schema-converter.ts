import type { JsonSchemaProps } from './json-schema-props.js';
import { KNOWN_DEFAULTS, KNOWN_SCHEMAS } from './known-schemas.js';
import type { OpenApiModels, SchemaNode } from './openapi-model.js';

/**
 * Converts one OpenAPI v2 definition (a resource's kind) into the structural JSONSchemaProps kcp v0.11's
 * crdpuller produces (its SchemaConverter over kube-openapi's proto models): `$ref`s resolved (recursion is an
 * error), well-known types replaced by fixed schemas, list types derived from patch strategies, arbitrary
 * values marked as embedded resources, top-level `metadata` reduced to `type: object`. Anything else in the
 * document (defaults, enums, `x-kubernetes-map-type`, validations) is dropped, as kcp drops it.
 */
export function convertDefinition(
  models: OpenApiModels,
  definition: string,
): { schema: JsonSchemaProps; errors: string[] } {
  const root = models.lookup(definition);
  if (root === undefined) return { schema: {}, errors: [`no OpenAPI definition "${definition}"`] };
  const converter = new SchemaConverter(models, definition);
  const schema: JsonSchemaProps = {};
  converter.visit(root, schema, '');
  return { schema, errors: converter.errors };
}

class SchemaConverter {
  readonly errors: string[] = [];
  private readonly visiting = new Set<string>();

  constructor(
    private readonly models: OpenApiModels,
    private readonly definition: string,
  ) {}

  /** Fills `props` from `node`; `inherited` is the description of the field that holds the node. */
  visit(node: SchemaNode, props: JsonSchemaProps, inherited: string): void {
    if (node.shape === 'ref') this.visitRef(node, props, inherited);
    else if (node.shape === 'kind') this.visitKind(node, props, inherited);
    else if (node.shape === 'map') this.visitMap(node, props, inherited);
    else if (node.shape === 'array') this.visitArray(node, props, inherited);
    else if (node.shape === 'primitive') {
      this.describe(node, props, inherited);
      props.type = node.type;
      if (node.format !== '') props.format = node.format;
      if (node.path in KNOWN_DEFAULTS) props.default = KNOWN_DEFAULTS[node.path];
    } else {
      this.describe(node, props, inherited);
      props['x-kubernetes-embedded-resource'] = true;
      const preserve = node.extensions['x-kubernetes-preserve-unknown-fields'];
      if (typeof preserve === 'boolean') props['x-kubernetes-preserve-unknown-fields'] = preserve;
    }
  }

  // The field's own description wins, then the one of what it holds (array items, map values, the
  // referenced definition), then the node's.
  private describe(node: SchemaNode, props: JsonSchemaProps, inherited: string): void {
    let held = '';
    if (node.shape === 'array') held = node.items.description;
    else if (node.shape === 'map') held = node.values.description;
    else if (node.shape === 'ref') held = this.models.lookup(node.ref)?.description ?? '';
    const description = inherited !== '' ? inherited : held !== '' ? held : node.description;
    if (description === '') delete props.description;
    else props.description = description;
  }

  private visitRef(node: SchemaNode & { shape: 'ref' }, props: JsonSchemaProps, inherited: string): void {
    if (this.visiting.has(node.ref)) {
      this.errors.push(`recursive schema are not supported: ${node.ref}`);
      return;
    }
    const known = KNOWN_SCHEMAS[node.ref];
    if (known !== undefined) {
      for (const key of Object.keys(props)) delete props[key];
      Object.assign(props, structuredClone(known));
      const description = inherited !== '' ? inherited : node.description;
      if (description !== '') props.description = description;
      return;
    }
    this.describe(node, props, inherited);
    const target = this.models.lookup(node.ref);
    if (target === undefined) return;
    this.visiting.add(node.ref);
    this.visit(target, props, inherited);
    this.visiting.delete(node.ref);
  }

  private visitKind(node: SchemaNode & { shape: 'kind' }, props: JsonSchemaProps, inherited: string): void {
    this.describe(node, props, inherited);
    if (node.required !== undefined && node.required.length > 0) props.required = [...node.required];
    props.type = 'object';
    const properties: Record<string, JsonSchemaProps> = {};
    for (const [name, field] of node.fields) {
      const fieldProps: JsonSchemaProps = {};
      // The resource's own metadata is the server's business: an untyped object, without description.
      if (field.path === `${this.definition}.metadata`) fieldProps.type = 'object';
      else this.visit(field, fieldProps, field.description);
      properties[name] = fieldProps;
    }
    if (Object.keys(properties).length > 0) props.properties = properties;
    const mergeKey = node.extensions['x-kubernetes-patch-merge-key'];
    if (typeof mergeKey === 'string') props['x-kubernetes-list-map-keys'] = [mergeKey];
    const mapKeys = node.extensions['x-kubernetes-list-map-keys'];
    if (Array.isArray(mapKeys)) props['x-kubernetes-list-map-keys'] = mapKeys.map(String);
    const listType = node.extensions['x-kubernetes-list-type'];
    if (typeof listType === 'string') props['x-kubernetes-list-type'] = listType;
  }

  private visitMap(node: SchemaNode & { shape: 'map' }, props: JsonSchemaProps, inherited: string): void {
    this.describe(node, props, inherited);
    const values: JsonSchemaProps = {};
    this.visit(node.values, values, node.values.description);
    props.additionalProperties = values;
    props.type = 'object';
  }

  private visitArray(node: SchemaNode & { shape: 'array' }, props: JsonSchemaProps, inherited: string): void {
    this.describe(node, props, inherited);
    props.type = 'array';
    const ext = node.extensions;
    if (Object.keys(ext).length > 0) this.listTypeFromExtensions(node, ext, props);
    const items: JsonSchemaProps = {};
    this.visit(node.items, items, node.items.description);
    const mapKeys = props['x-kubernetes-list-map-keys'] ?? [];
    if (items.properties !== undefined && mapKeys.length > 0) {
      // Map keys must be required, unless the server defaults them.
      const required = new Set([...(items.required ?? []), ...mapKeys]);
      for (const [name, field] of Object.entries(items.properties)) {
        if (field.default !== undefined) required.delete(name);
      }
      if (required.size > 0) items.required = [...required].sort();
      else delete items.required;
    }
    props.items = items;
  }

  // kcp's reading of lists: an explicit list type wins; otherwise a patch strategy containing `merge` makes
  // a map (items are objects) or a set, any other strategy atomic; a merge key alone makes a map.
  private listTypeFromExtensions(
    node: SchemaNode & { shape: 'array' },
    ext: Readonly<Record<string, unknown>>,
    props: JsonSchemaProps,
  ): void {
    const strategy = ext['x-kubernetes-patch-strategy'];
    const listType = ext['x-kubernetes-list-type'];
    if (listType !== undefined) {
      props['x-kubernetes-list-type'] = String(listType);
    } else if (strategy !== undefined && strategy !== '') {
      const text = String(strategy);
      const merge = text === 'merge' || text.startsWith('merge,') || text.endsWith(',merge');
      props['x-kubernetes-list-type'] = !merge ? 'atomic' : this.itemsAreKind(node) ? 'map' : 'set';
    }
    const mapKeys = ext['x-kubernetes-list-map-keys'];
    const mergeKey = ext['x-kubernetes-patch-merge-key'];
    if (Array.isArray(mapKeys)) {
      props['x-kubernetes-list-map-keys'] = mapKeys.map(String);
    } else if (mergeKey !== undefined) {
      props['x-kubernetes-list-map-keys'] = [String(mergeKey)];
      if (strategy === undefined) props['x-kubernetes-list-type'] = 'map';
    }
  }

  private itemsAreKind(node: SchemaNode & { shape: 'array' }): boolean {
    const items = node.items;
    if (items.shape === 'kind') return true;
    return items.shape === 'ref' && this.models.lookup(items.ref)?.shape === 'kind';
  }
}
