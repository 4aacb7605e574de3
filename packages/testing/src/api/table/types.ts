/** meta.k8s.io Table pieces, as kube-apiserver serializes them. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** One row's cells: strings, integers, booleans, numbers, or null for a missing CRD column value. */
export type TableCell = string | number | boolean | null;

export interface TableRowCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

/** Turns one stored object into its row (always the wide form: the server sends every column). */
export type RowPrinter = (obj: Record<string, unknown>, now: number) => PrintedRow;
