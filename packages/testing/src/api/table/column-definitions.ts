// kube-apiserver v1.35.4's answers to `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (one list request per
// resource): the column definitions exactly as the real server sends them, kept as data in
// data/table-columns.json. src/api/table and dist/api/table sit at the same depth, so one relative URL serves both.
import { readFileSync } from 'node:fs';
import type { TableColumnDefinition } from './types.js';

export { CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from './column-helpers.js';

/** Column definitions per `group/resource` (kube-apiserver's printers; others use the default convertor). */
export const BUILTIN_COLUMNS: Readonly<Record<string, TableColumnDefinition[]>> = JSON.parse(
  readFileSync(new URL('../../../data/table-columns.json', import.meta.url), 'utf8'),
) as Record<string, TableColumnDefinition[]>;
