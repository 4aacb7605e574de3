import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

// Issue 19's bounds on library code (packages/*/src, tests excluded): what a reader can take in at once.
export const BOUNDS = { fileLines: 300, functionLines: 80, constructorParams: 8 } as const;

export type BoundKind = 'file' | 'function' | 'constructor';

/** One place over a bound: `key` names it stably (path, then the enclosing names), `size` is what was measured. */
export interface Offender {
  kind: BoundKind;
  key: string;
  size: number;
  line: number;
}

/** Library sources of every package, relative to `root`, sorted: `*.ts` below `packages/<pkg>/src`, minus tests. */
export function librarySources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(relative(root, path));
    }
  };
  const packages = join(root, 'packages');
  for (const pkg of readdirSync(packages, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    try {
      walk(join(packages, pkg.name, 'src'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out.sort();
}

/** Lines as an editor's last line number counts them when the file ends with a newline (the measure). */
const lineCount = (text: string): number => text.split('\n').length;

function shortText(node: ts.Node, sf: ts.SourceFile): string {
  const text = node.getText(sf).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A readable name for a function: its declared name, the name it is assigned to, or the call it is passed to. */
function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name !== undefined) return node.name.getText(sf);
  const parent = node.parent;
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  ) {
    return parent.name.getText(sf);
  }
  if (ts.isCallExpression(parent)) {
    const label = parent.arguments.find(
      (a) => ts.isStringLiteralLike(a) || ts.isNoSubstitutionTemplateLiteral(a),
    );
    return `${shortText(parent.expression, sf)}(${label === undefined ? '' : shortText(label, sf)})`;
  }
  return '<anonymous>';
}

function enclosingName(node: ts.Node, sf: ts.SourceFile): string | undefined {
  if (ts.isClassLike(node)) return node.name?.getText(sf) ?? '<class>';
  if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
    return functionName(node as ts.FunctionLikeDeclaration, sf);
  }
  return undefined;
}

/** Every place in one source text over a bound. */
export function measureSource(path: string, text: string): Offender[] {
  const out: Offender[] = [];
  const lines = lineCount(text);
  if (lines > BOUNDS.fileLines) out.push({ kind: 'file', key: path, size: lines, line: 1 });
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const seen = new Map<string, number>();
  const unique = (key: string): string => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key}#${n}`;
  };
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node, scope: string[]): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = lineOf(fn.getStart(sf));
      const size = lineOf(fn.end) - start + 1;
      const key = unique(`${path}:${[...scope, functionName(fn, sf)].join('/')}`);
      if (size > BOUNDS.functionLines) out.push({ kind: 'function', key, size, line: start });
      if (ts.isConstructorDeclaration(fn) && fn.parameters.length > BOUNDS.constructorParams) {
        out.push({ kind: 'constructor', key, size: fn.parameters.length, line: start });
      }
    }
    const name = enclosingName(node, sf);
    const inner = name === undefined ? scope : [...scope, name];
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, []);
  return out;
}

/** Every place in the library sources of `root` over a bound. */
export function measureLibrary(root: string): Offender[] {
  return librarySources(root).flatMap((path) => measureSource(path, readFileSync(join(root, path), 'utf8')));
}
