import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintTarball } from './lint-tarball.js';
import { exec, installConsumer, packAll, packageNames, repoRoot } from './workspace.js';

// What an npm user gets: every package packed as it would be published, installed with npm from the tarballs
// into a folder outside the workspace (no workspace links, no hoisted devDependencies), then used. Nothing here
// skips: without pnpm, npm or the registry the suite fails.
describe('the packed packages, installed from their tarballs outside the workspace', () => {
  const root = mkdtempSync(join(tmpdir(), 'kcp-tmc-consumer-'));
  const app = join(root, 'app');
  let tarballs: Map<string, string>;

  beforeAll(async () => {
    tarballs = await packAll(join(root, 'tarballs'));
    await installConsumer(app, tarballs.values());
  }, 300_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const installed = (name: string) => join(app, 'node_modules', '@kcp-tmc', name);

  it('ships the LICENSE and every source file its source maps name', () => {
    const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    for (const name of packageNames()) {
      expect(readFileSync(join(installed(name), 'LICENSE'), 'utf8'), name).toBe(license);
      const maps = readdirSync(join(installed(name), 'dist'), { recursive: true, encoding: 'utf8' }).filter(
        (f) => f.endsWith('.map'),
      );
      expect(maps.length, `${name} ships source maps`).toBeGreaterThan(0);
      for (const map of maps) {
        const path = join(installed(name), 'dist', map);
        const { sources } = JSON.parse(readFileSync(path, 'utf8')) as { sources: string[] };
        for (const source of sources)
          expect(existsSync(resolve(dirname(path), source)), `${path}: ${source}`).toBe(true);
      }
    }
  });

  it('finds what publint and attw report in a broken tarball (the check below can fail)', async () => {
    const broken = join(root, 'broken');
    mkdirSync(join(broken, 'dist'), { recursive: true });
    writeFileSync(join(broken, 'dist', 'index.js'), 'export const a = 1;\n');
    writeFileSync(
      join(broken, 'package.json'),
      JSON.stringify({
        name: 'broken',
        version: '1.0.0',
        type: 'module',
        exports: { '.': { import: './dist/index.js', types: './dist/index.d.ts' } },
      }),
    );
    await exec('npm', ['pack', '--pack-destination', root], { cwd: broken, timeoutMs: 60_000 });
    const found = await lintTarball(join(root, 'broken-1.0.0.tgz'));
    expect(found.some((line) => line.startsWith('publint'))).toBe(true);
    expect(found.some((line) => line.startsWith('attw'))).toBe(true);
  }, 120_000);

  it('passes publint --strict and attw (ESM-only profile) for every tarball', async () => {
    for (const [name, tarball] of tarballs) expect(await lintTarball(tarball), name).toEqual([]);
  }, 120_000);

  it('imports every package alone in a fresh Node process (tsyringe finds the Reflect metadata API)', async () => {
    const exported = await Promise.all(
      packageNames().map(async (name) => {
        const script = `const m = await import('@kcp-tmc/${name}'); console.log(Object.keys(m).length)`;
        const out = await exec(process.execPath, ['--input-type=module', '-e', script], {
          cwd: app,
          timeoutMs: 60_000,
        });
        return [name, Number(out.trim())] as const;
      }),
    );
    for (const [name, count] of exported) expect(count, name).toBeGreaterThan(0);
  }, 120_000);

  it('compiles the program with node16 resolution and runs it: the custom transformer labels the synced object', async () => {
    await exec(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.node16.json'], {
      cwd: app,
      timeoutMs: 120_000,
    });
    const out = await exec(process.execPath, [join(app, 'out', 'main.js')], { cwd: app, timeoutMs: 60_000 });
    const synced = JSON.parse(
      out
        .trim()
        .split('\n')
        .at(-1)
        ?.replace(/^synced: /, '') ?? '{}',
    ) as {
      name?: string;
      labels?: Record<string, string>;
    };
    expect(synced.name).toBe('hello');
    expect(synced.labels?.['consumer.example.com/transformed']).toBe('yes');
  }, 240_000);

  it('type-checks the program with bundler resolution', async () => {
    await exec(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.bundler.json'], {
      cwd: app,
      timeoutMs: 120_000,
    });
  }, 150_000);

  it('runs `syncer-agent demo` from the installed bin', async () => {
    const out = await exec(join(app, 'node_modules', '.bin', 'syncer-agent'), ['demo'], {
      cwd: app,
      timeoutMs: 120_000,
    });
    expect(out).toContain('Converged.');
  }, 150_000);
});
