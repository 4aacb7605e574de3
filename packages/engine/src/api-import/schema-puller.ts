import {
  classifyError,
  type GVR,
  groupResourceString,
  type KubeClient,
  type KubeObject,
  type Logger,
  NOOP_LOGGER,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { readError } from '@kcp-tmc/kube';
import { servedByKcp } from './control-plane-kinds.js';
import {
  type PreferredResource,
  preferredResources,
  readDiscovery,
  resolveGroupResource,
} from './downstream-discovery.js';
import { canonicalSchema, type JsonSchemaProps } from './json-schema-props.js';
import { OpenApiModels, type OpenApiV2Document } from './openapi-model.js';
import { convertDefinition } from './schema-converter.js';

const CRD_GVR: GVR = Object.freeze({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
});
const API_APPROVED = 'api-approved.kubernetes.io';
// What kcp's puller writes on imported *.k8s.io / *.kubernetes.io resources when the CRD has no value.
const KCP_API_APPROVED = 'https://github.com/kcp-dev/kubernetes/pull/4';

/** A printer column, as an APIResourceImport's `columnDefinitions` holds it. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  jsonPath: string;
}

/** One downstream resource pulled as kcp's puller would publish it as a CRD (one version). */
export interface PulledResource {
  readonly group: string;
  readonly version: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly names: {
    plural: string;
    singular: string;
    shortNames?: string[];
    kind: string;
    listKind: string;
    categories?: string[];
  };
  readonly schema: JsonSchemaProps;
  /** `scale` before `status`, as kcp lists them. */
  readonly subresources: readonly string[];
  readonly columns: readonly ColumnDefinition[];
  /** `api-approved.kubernetes.io`, for protected community groups. */
  readonly apiApproved?: string;
}

/**
 * kcp v0.11's schema puller (pkg/crdpuller) over raw JSON: names resolved against downstream discovery, one
 * preferred version per resource, kcp's own core kinds left out, the schema taken from the CustomResource-
 * Definition when there is one and otherwise converted from the downstream's OpenAPI v2 document. The
 * converted built-in schemas are kept (the server's built-ins do not change while it runs; kcp reads the
 * document once); the document itself is dropped after each pull, since it is large.
 */
export class SchemaPuller {
  private readonly builtins = new Map<string, JsonSchemaProps | null>();

  constructor(
    private readonly downstream: KubeClient,
    private readonly logger: Logger = NOOP_LOGGER,
  ) {}

  /** The named resources (`deployments.apps`, `services`), keyed by that name. */
  async pull(names: readonly string[], signal?: AbortSignal): Promise<Map<string, PulledResource>> {
    const discovery = await readDiscovery(this.downstream, signal);
    const wanted = new Set<string>();
    for (const name of names) {
      const gr = resolveGroupResource(discovery, name);
      if (gr === undefined) this.logger.warn('no downstream resource for the name', { resource: name });
      else wanted.add(groupResourceString(gr));
    }
    const pulled = new Map<string, PulledResource>();
    let models: OpenApiModels | undefined;
    const openApi = async () => {
      models ??= new OpenApiModels(await this.fetchOpenApi(signal));
      return models;
    };
    for (const preferred of preferredResources(discovery)) {
      const key = groupResourceString({ group: preferred.group, resource: preferred.resource.name });
      if (!wanted.has(key)) continue;
      const skip = servedByKcp(preferred.group, preferred.version, preferred.resource.kind);
      if (skip !== undefined) {
        this.logger.debug('not importing', { resource: key, reason: skip }, 2);
        continue;
      }
      const resource = await this.pullOne(preferred, openApi, signal);
      if (resource !== undefined) pulled.set(key, resource);
    }
    return pulled;
  }

  private async pullOne(
    preferred: PreferredResource,
    openApi: () => Promise<OpenApiModels>,
    signal: AbortSignal | undefined,
  ): Promise<PulledResource | undefined> {
    const { group, version, resource } = preferred;
    const crdName = `${resource.name}.${group === '' ? 'core' : group}`;
    const crd = await this.getCrd(crdName, signal);
    let schema: JsonSchemaProps;
    let columns: ColumnDefinition[] = [];
    if (crd !== undefined) {
      ({ schema, columns } = schemaFromCrd(crd, version, this.logger));
    } else {
      const converted = await this.builtinSchema(preferred, openApi);
      if (converted === null) return undefined;
      schema = converted;
    }
    const subresources = ['scale', 'status'].filter((sub) => preferred.served.has(`${resource.name}/${sub}`));
    const names: PulledResource['names'] = {
      plural: resource.name,
      singular: resource.singularName || resource.kind.toLowerCase(),
      ...(resource.shortNames?.length ? { shortNames: [...resource.shortNames] } : {}),
      kind: resource.kind,
      listKind: `${resource.kind}List`,
      ...(resource.categories?.length ? { categories: [...resource.categories] } : {}),
    };
    const approved = isProtectedCommunityGroup(group)
      ? ((crd?.metadata.annotations?.[API_APPROVED] || undefined) ?? KCP_API_APPROVED)
      : undefined;
    return {
      group,
      version,
      scope: resource.namespaced ? 'Namespaced' : 'Cluster',
      names,
      schema: canonicalSchema(schema),
      subresources,
      columns,
      ...(approved === undefined ? {} : { apiApproved: approved }),
    };
  }

  private async getCrd(name: string, signal: AbortSignal | undefined): Promise<KubeObject | undefined> {
    try {
      return await this.downstream.get(CRD_GVR, { name }, signal === undefined ? {} : { signal });
    } catch (err) {
      // Anything but NotFound fails the whole pull, as in kcp: a built-in schema must not shadow a CRD.
      if (classifyError(err).type === TmcErrorType.NotFound) return undefined;
      throw err;
    }
  }

  /** A built-in's schema, converted once: the document is fetched only for a kind not converted before. */
  private async builtinSchema(preferred: PreferredResource, openApi: () => Promise<OpenApiModels>) {
    const gvk = `${preferred.group}/${preferred.version}/${preferred.resource.kind}`;
    const cached = this.builtins.get(gvk);
    if (cached !== undefined) return cached;
    const models = await openApi();
    const definition = models
      .names()
      .filter((name) =>
        models
          .groupVersionKinds(name)
          .some(
            (g) =>
              g.group === preferred.group &&
              g.version === preferred.version &&
              g.kind === preferred.resource.kind,
          ),
      )
      .pop();
    if (definition === undefined) {
      this.logger.info('ignoring a resource that has no OpenAPI schema', { gvk });
      return null;
    }
    const { schema, errors } = convertDefinition(models, definition);
    if (errors.length > 0) {
      this.logger.error('cannot import the OpenAPI schema of the resource', { gvk, errors });
      this.builtins.set(gvk, null);
      return null;
    }
    this.builtins.set(gvk, schema);
    return schema;
  }

  private async fetchOpenApi(signal: AbortSignal | undefined): Promise<OpenApiV2Document> {
    const response = await this.downstream.request('/openapi/v2', {
      headers: { accept: 'application/json' },
      ...(signal === undefined ? {} : { signal }),
    });
    if (!response.ok) throw await readError(response, 'GET /openapi/v2');
    return (await response.json()) as OpenApiV2Document;
  }
}

function schemaFromCrd(crd: KubeObject, version: string, logger: Logger) {
  const spec = (crd.spec ?? {}) as { versions?: Array<Record<string, unknown>> };
  const status = (crd.status ?? {}) as { conditions?: Array<{ type?: string; status?: string }> };
  const preserve: JsonSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  if (status.conditions?.some((c) => c.type === 'NonStructuralSchema' && c.status === 'True')) {
    logger.info('non-structural schema: the resources will not be validated', { crd: crd.metadata.name });
    return { schema: preserve, columns: [] };
  }
  const served = spec.versions?.find((v) => v.name === version);
  if (served === undefined) {
    logger.error('expected version not found in CRD', { crd: crd.metadata.name, version });
    return { schema: preserve, columns: [] };
  }
  const schema = ((served.schema as { openAPIV3Schema?: JsonSchemaProps } | undefined)?.openAPIV3Schema ??
    {}) as JsonSchemaProps;
  const columns = ((served.additionalPrinterColumns ?? []) as Array<Record<string, unknown>>).map(toColumn);
  return { schema, columns: dedupeColumns(columns) };
}

function toColumn(column: Record<string, unknown>): ColumnDefinition {
  return {
    name: String(column.name ?? ''),
    type: String(column.type ?? ''),
    format: String(column.format ?? ''),
    description: String(column.description ?? ''),
    priority: Number(column.priority ?? 0),
    jsonPath: String(column.jsonPath ?? ''),
  };
}

function dedupeColumns(columns: ColumnDefinition[]): ColumnDefinition[] {
  const seen = new Set<string>();
  return columns.filter((c) => !seen.has(c.name) && seen.add(c.name) !== undefined);
}

/** `k8s.io`, `*.k8s.io`, `kubernetes.io`, `*.kubernetes.io`: groups whose CRDs need an API review link. */
export function isProtectedCommunityGroup(group: string): boolean {
  return (
    group === 'k8s.io' ||
    group.endsWith('.k8s.io') ||
    group === 'kubernetes.io' ||
    group.endsWith('.kubernetes.io')
  );
}
