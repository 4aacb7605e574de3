import { readFileSync } from 'node:fs';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

// attw's `esm-only` profile: the packages are ESM only (exports with `import` alone), so the node10 and
// require-from-CommonJS resolutions, which cannot load them by design, are not problems.
const NOT_APPLICABLE = new Set(['node10', 'node16-cjs']);

/**
 * What publint (strict: warnings count) and @arethetypeswrong/core find in a packed tarball, one line each; empty
 * when both report nothing. In-process: one TypeScript load for every tarball instead of one CLI per tarball.
 */
export async function lintTarball(path: string): Promise<string[]> {
  const data = readFileSync(path);
  const found: string[] = [];
  const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
  for (const m of messages) found.push(`publint ${m.type} ${m.code}: ${formatMessage(m, pkg) ?? ''}`);
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(data)));
  if (analysis.types === false) found.push('attw: the package has no types');
  else {
    for (const problem of analysis.problems) {
      if ('resolutionKind' in problem && NOT_APPLICABLE.has(problem.resolutionKind)) continue;
      found.push(`attw ${problem.kind}: ${JSON.stringify(problem)}`);
    }
  }
  return found;
}
