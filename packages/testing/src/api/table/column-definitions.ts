// Generated from kube-apiserver v1.35.4's answers to `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
// (one list request per resource): the column definitions exactly as the real server sends them.
import { CORE_COLUMNS } from './columns-core.js';
import { GROUP_COLUMNS } from './columns-groups.js';
import type { TableColumnDefinition } from './types.js';

export { CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from './column-helpers.js';

/** Column definitions per `group/resource` (kube-apiserver's printers; others use the default convertor). */
export const BUILTIN_COLUMNS: Readonly<Record<string, TableColumnDefinition[]>> = {
  ...CORE_COLUMNS,
  ...GROUP_COLUMNS,
};
