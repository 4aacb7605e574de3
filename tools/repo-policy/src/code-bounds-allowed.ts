import type { BoundKind } from './code-bounds.js';

/**
 * Places in the library sources allowed over a bound, each no larger than listed, until issue 19 splits it. The list
 * only shrinks: the bounds test fails on a place missing here, on one grown past its size, and on an entry whose
 * place is back within the bounds (delete the entry then). Keys: path, then the enclosing class and function names.
 */
export interface AllowedOffender {
  kind: BoundKind;
  key: string;
  size: number;
  /** The issue that splits it. */
  issue: number;
}

export const ALLOWED: AllowedOffender[] = [];
