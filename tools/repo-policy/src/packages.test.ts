import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, publishedPackages, sourceFiles } from './workspace.js';

// ARCHITECTURE.md, "Packages and what each may import".
const allowed: Record<string, string[]> = {
  interfaces: [],
  kube: ['interfaces'],
  engine: ['interfaces', 'kube'],
  transformation: ['interfaces'],
  conflict: ['interfaces'],
  downstream: ['interfaces', 'kube', 'conflict'],
  upstream: ['interfaces', 'kube'],
  heartbeat: ['interfaces', 'kube'],
  health: ['interfaces'],
  metrics: ['interfaces'],
  tunnel: ['interfaces', 'kube'],
  dns: ['interfaces', 'kube'],
  'syncer-agent': [
    'interfaces',
    'kube',
    'engine',
    'transformation',
    'downstream',
    'upstream',
    'conflict',
    'tunnel',
    'heartbeat',
    'health',
    'metrics',
    'dns',
    'testing',
  ],
  // The simulator shares the object model's types and the server-set metadata list, nothing with behaviour.
  testing: ['interfaces'],
};

const packages = publishedPackages();

describe('published packages', () => {
  it('has exactly the packages of the architecture table', () => {
    expect(packages.map((p) => p.short).sort()).toEqual(Object.keys(allowed).sort());
  });

  describe.each(packages.map((p) => [p.short, p] as const))('@kcp-tmc/%s', (short, pkg) => {
    const m = pkg.manifest;

    it('is a public ESM package shipping dist (and its sources), with types + import exports and Node >= 22.19', () => {
      expect(m.name).toBe(`@kcp-tmc/${short}`);
      expect(m.private).toBeUndefined();
      expect(m.type).toBe('module');
      expect(m.files).toContain('dist');
      expect(m.exports?.['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
      expect(m.engines?.node).toBe('>=22.19');
    });

    it('depends only on the packages the architecture allows, as workspace:^', () => {
      const ours = Object.entries(m.dependencies ?? {}).filter(([n]) => n.startsWith('@kcp-tmc/'));
      for (const [name, range] of ours) {
        expect(allowed[short]).toContain(name.slice('@kcp-tmc/'.length));
        expect(range).toBe('workspace:^');
      }
    });

    it('imports siblings only through their package name (never their internals)', () => {
      for (const file of sourceFiles(`${pkg.dir}/src`)) {
        for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
          if (spec.startsWith('@kcp-tmc/')) {
            const target = spec.slice('@kcp-tmc/'.length);
            expect(allowed[short], `${file} imports ${spec}`).toContain(target);
          }
          if (spec.startsWith('.')) {
            const target = resolve(dirname(file), spec);
            expect(target.startsWith(`${pkg.dir}/`), `${file} reaches outside its package: ${spec}`).toBe(
              true,
            );
          }
        }
      }
    });

    it('keeps tsyringe a peer dependency of libraries (one copy per process)', () => {
      if (short === 'syncer-agent' || short === 'interfaces' || short === 'testing') return;
      expect(m.dependencies?.tsyringe).toBeUndefined();
      expect(m.peerDependencies?.tsyringe).toBeDefined();
    });
  });

  it('keeps @kcp-tmc/interfaces free of runtime dependencies', () => {
    const interfaces = packages.find((p) => p.short === 'interfaces');
    expect(interfaces?.manifest.dependencies ?? {}).toEqual({});
  });
});
