import type { ResourceType } from '../resource-type.js';
import { isPlainObject, type KubeObject } from '../types.js';
import { BUILTIN_COLUMNS, CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from './column-definitions.js';
import { CORE_PRINTERS } from './core-printers.js';
import { obj, since, str } from './format.js';
import { evaluateJsonPath, parseJsonPath, printJsonPathValue } from './jsonpath.js';
import { printPod } from './pod-printer.js';
import type { PrintedRow, RowPrinter, TableCell, TableColumnDefinition } from './types.js';
import { WORKLOAD_PRINTERS } from './workload-printers.js';

/** A CRD's additionalPrinterColumns entry. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** meta.k8s.io version of the Table (kubectl asks for v1, then v1beta1). */
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
  /** Watch events after the first carry no column definitions. */
  noHeaders?: boolean;
}

/** How one resource prints: its columns and a row per object. */
export interface TableConvertor {
  columns: TableColumnDefinition[];
  row(object: KubeObject, now: number): PrintedRow;
  /** The default convertor leaves `rows` null for an empty list (its rows are appended one by one). */
  nullWhenEmpty: boolean;
}

const PRINTERS: Record<string, RowPrinter> = {
  ...Object.fromEntries(Object.entries(CORE_PRINTERS).map(([r, p]) => [`/${r}`, p])),
  '/pods': printPod,
  ...WORKLOAD_PRINTERS,
};

/** Printer columns of kcp's own CRD-backed kinds the simulator serves without a CRD object. */
const KCP_COLUMNS: Record<string, PrinterColumn[]> = {
  // kcp v0.11 config/crds/workload.kcp.io_synctargets.yaml
  'workload.kcp.io/synctargets': [
    { name: 'Location', type: 'string', priority: 1, jsonPath: '.metadata.name' },
    { name: 'Ready', type: 'string', priority: 2, jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Synced API resources', type: 'string', priority: 3, jsonPath: '.status.syncedResources' },
    {
      name: 'Key',
      type: 'string',
      priority: 4,
      jsonPath: ".metadata.labels['internal\\.workload\\.kcp\\.dev/key']",
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};

const DEFAULT_CRD_COLUMNS: PrinterColumn[] = [
  {
    name: 'Age',
    type: 'date',
    description: CREATION_TIMESTAMP_DESCRIPTION,
    jsonPath: '.metadata.creationTimestamp',
  },
];

const nameColumn = (): TableColumnDefinition => ({
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_DESCRIPTION,
  priority: 0,
});

/** apiextensions' convertor: Name, then each printer column by JSONPath (missing values print as null). */
function customConvertor(columns: PrinterColumn[]): TableConvertor {
  const cols = columns.length > 0 ? columns : DEFAULT_CRD_COLUMNS;
  const paths = cols.map((c) => parseJsonPath(c.jsonPath));
  return {
    columns: [
      nameColumn(),
      ...cols.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0,
      })),
    ],
    nullWhenEmpty: false,
    row(object, now) {
      const cells: TableCell[] = [str(object.metadata.name)];
      cols.forEach((c, i) => {
        const found = evaluateJsonPath(paths[i]!, object);
        cells.push(found.length === 0 ? null : customCell(c.type, found[0], now));
      });
      return { cells };
    },
  };
}

function customCell(type: string, value: unknown, now: number): TableCell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return printJsonPathValue(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : since(value, now);
    default:
      return null;
  }
}

/** The generic registry's default: Name and the creation time as RFC 3339. */
const DEFAULT_CONVERTOR: TableConvertor = {
  columns: [
    nameColumn(),
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: CREATION_TIMESTAMP_DESCRIPTION,
      priority: 0,
    },
  ],
  nullWhenEmpty: true,
  row: (object) => ({
    cells: [str(object.metadata.name), str(object.metadata.creationTimestamp) || '0001-01-01T00:00:00Z'],
  }),
};

/** The printer CRD columns from a CRD object at a version (undefined when the version is not in it). */
export function crdPrinterColumns(crd: KubeObject, version: string): PrinterColumn[] | undefined {
  const versions = Array.isArray(obj(crd.spec).versions) ? (obj(crd.spec).versions as unknown[]) : [];
  const v = versions.filter(isPlainObject).find((x) => x.name === version);
  if (!v) return undefined;
  const cols = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [];
  return cols.filter(isPlainObject).map((c) => {
    const col: PrinterColumn = { name: str(c.name), type: str(c.type), jsonPath: str(c.jsonPath) };
    if (typeof c.format === 'string') col.format = c.format;
    if (typeof c.description === 'string') col.description = c.description;
    if (typeof c.priority === 'number') col.priority = c.priority;
    return col;
  });
}

/** The convertor kube-apiserver uses for a resource; `crdColumns` for custom resources from their CRD. */
export function tableConvertorFor(rt: ResourceType, crdColumns: PrinterColumn[] | undefined): TableConvertor {
  const key = `${rt.group}/${rt.resource}`;
  if (!rt.builtin) return customConvertor(crdColumns ?? KCP_COLUMNS[key] ?? []);
  const printer = PRINTERS[key];
  const columns = BUILTIN_COLUMNS[key];
  if (!printer || !columns) return DEFAULT_CONVERTOR;
  return { columns, nullWhenEmpty: false, row: (object, now) => printer(object, now) };
}

/** The row's `object`: PartialObjectMetadata (default), the whole object, or null. */
function rowObject(object: KubeObject, options: TableOptions): unknown {
  if (options.includeObject === 'None') return null;
  if (options.includeObject === 'Object') return object;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: object.metadata,
  };
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A meta.k8s.io Table of objects (a list, or one object for get and each watch event). */
export function buildTable(
  convertor: TableConvertor,
  objects: KubeObject[],
  meta: TableListMeta,
  options: TableOptions,
  now = Date.now(),
): Record<string, unknown> {
  const rows = objects.map((o) => {
    const printed = convertor.row(o, now);
    const row: Record<string, unknown> = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    row.object = rowObject(o, options);
    return row;
  });
  const table: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: meta,
  };
  // Go's Table has no omitempty on columnDefinitions: without headers it is null.
  table.columnDefinitions = options.noHeaders ? null : convertor.columns;
  table.rows = rows.length === 0 && convertor.nullWhenEmpty ? null : rows;
  return table;
}
