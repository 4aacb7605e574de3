import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, publishedPackages, repoRoot, sourceFiles } from './workspace.js';

// What an npm user installs must stand alone: the consumer suite (tools/consumer) proves it on packed tarballs;
// these checks name the rule that broke, on the manifests and sources.
const REPO = 'https://github.com/kcp-tmc/kcp-tmc';
const packages = publishedPackages();
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

/** `@scope/name` or `name` of a bare specifier (`undici/types` -> `undici`). */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec);

function importedPackages(dir: string, self: string): Set<string> {
  const out = new Set<string>();
  for (const file of sourceFiles(`${dir}/src`)) {
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.') && !isBuiltin(spec) && packageOf(spec) !== self) out.add(packageOf(spec));
    }
  }
  return out;
}

describe.each(packages.map((p) => [p.short, p] as const))('@kcp-tmc/%s as published', (short, pkg) => {
  const m = pkg.manifest;
  const declared = { ...m.dependencies, ...m.peerDependencies };

  it('ships the repo LICENSE, its sources (source maps name them) and links back to the repository', () => {
    expect(m.license).toBe('Apache-2.0');
    expect(readFileSync(join(pkg.dir, 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'LICENSE'), 'utf8'),
    );
    // The simulator also ships its API data (protobuf descriptors, OpenAPI documents).
    const data = short === 'testing' ? ['data'] : [];
    expect(m.files).toEqual(['dist', 'src', '!src/**/*.test.ts', '!src/**/test-support', 'LICENSE', ...data]);
    expect(m.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: `packages/${short}` });
    expect(m.homepage).toBe(`${REPO}/tree/main/packages/${short}#readme`);
    expect(m.bugs).toEqual({ url: `${REPO}/issues` });
  });

  it('declares every package its shipped sources import, as a dependency or peer dependency', () => {
    for (const name of importedPackages(pkg.dir, m.name))
      expect(declared, `imports ${name}`).toHaveProperty([name]);
  });

  it("declares its dependencies' peers itself (the user installs them once, beside it)", () => {
    for (const dep of Object.keys(m.dependencies ?? {})) {
      const sibling = byName.get(dep);
      for (const peer of Object.keys(sibling?.manifest.peerDependencies ?? {})) {
        if (sibling?.manifest.peerDependenciesMeta?.[peer]?.optional) continue;
        expect(declared, `${dep} peers on ${peer}`).toHaveProperty([peer]);
      }
    }
  });

  it('keeps @kubernetes/client-node a peer of libraries (its KubeConfig class is in their types: one copy)', () => {
    if (short === 'syncer-agent') return;
    expect(m.dependencies?.['@kubernetes/client-node']).toBeUndefined();
  });

  it('loads reflect-metadata first at its entry when its sources use tsyringe, and names that side effect', () => {
    const usesTsyringe = importedPackages(pkg.dir, m.name).has('tsyringe');
    const entry = readFileSync(join(pkg.dir, 'src', 'index.ts'), 'utf8');
    const firstImport = importSpecifiers(entry.replace(/^import '([^']+)';$/gm, "import x from '$1';"))[0];
    if (!usesTsyringe) {
      expect(m.sideEffects === false || short === 'testing', 'no side effects').toBe(true);
      return;
    }
    expect(firstImport).toBe('reflect-metadata');
    expect(m.dependencies?.['reflect-metadata']).toBeDefined();
    expect(m.sideEffects).toContain('./dist/index.js');
  });

  it('lists in sideEffects only files that exist in the build', () => {
    for (const file of Array.isArray(m.sideEffects) ? m.sideEffects : []) {
      expect(
        existsSync(join(pkg.dir, 'src', file.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))),
        file,
      ).toBe(true);
    }
  });
});
