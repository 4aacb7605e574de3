import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { librarySources } from './code-bounds.js';

/** An optional injection (`{ isOptional: true }`) with no comment saying why it may be missing. */
export interface UnexplainedInjection {
  path: string;
  line: number;
  text: string;
}

const OPTIONAL = /@inject(All)?\([^)]*\{\s*isOptional:\s*true\s*\}/;
const COMMENT = /^\s*\/\//;

/**
 * The optional injections of one source without a reason: a `//` comment on the line above the decorator or at
 * the end of its line. A missing registration degrades an optional part silently, so each says why that is fine.
 */
export function unexplainedIn(path: string, text: string): UnexplainedInjection[] {
  const lines = text.split('\n');
  const out: UnexplainedInjection[] = [];
  lines.forEach((line, i) => {
    if (!OPTIONAL.test(line) || line.includes('//')) return;
    if (COMMENT.test(lines[i - 1] ?? '')) return;
    out.push({ path, line: i + 1, text: line.trim() });
  });
  return out;
}

export function unexplainedInjections(root: string): UnexplainedInjection[] {
  return librarySources(root).flatMap((path) => unexplainedIn(path, readFileSync(join(root, path), 'utf8')));
}
