export { API_IMPORT_OPTIONS, API_IMPORT_UPSTREAM_CLIENT, API_IMPORTER } from '../tokens.js';
export {
  ApiImporter,
  type ApiImportOptions,
  DEFAULT_API_IMPORT_POLL_INTERVAL_MS,
  type ImportRound,
} from './api-importer.js';
export {
  API_RESOURCE_IMPORTS_GVR,
  API_VERSION_ANNOTATION,
  apiResourceImportName,
  newApiResourceImport,
} from './api-resource-import.js';
export { servedByKcp } from './control-plane-kinds.js';
export { canonicalSchema, type JsonSchemaProps } from './json-schema-props.js';
export {
  OpenApiModels,
  OpenApiSchemaError,
  type OpenApiV2Document,
  type SchemaNode,
} from './openapi-model.js';
export { convertDefinition } from './schema-converter.js';
export { type ColumnDefinition, type PulledResource, SchemaPuller } from './schema-puller.js';
