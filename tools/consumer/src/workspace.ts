import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixture/', import.meta.url));

/** Short names of the published packages (`engine` for `@kcp-tmc/engine`). */
export const packageNames = (): string[] => readdirSync(join(repoRoot, 'packages')).sort();

// The consumer folder must not see the workspace: no `npm_*`/`pnpm` settings inherited from `pnpm test`, and the
// Node running the tests (the pinned one) first on PATH for the bins' `#!/usr/bin/env node`.
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_)/i.test(k) && k !== 'NODE_OPTIONS'),
  );
  return { ...env, PATH: [dirname(process.execPath), env.PATH ?? ''].join(delimiter) };
}

/** Runs a command, resolving with its stdout; a non-zero exit rejects with everything it printed. */
export function exec(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: cleanEnv(), timeout: options.timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** `pnpm pack` of every package (built beforehand: the README's test command builds first) into `dest`. */
export async function packAll(dest: string): Promise<Map<string, string>> {
  mkdirSync(dest, { recursive: true });
  const tarballs = new Map(packageNames().map((name) => [name, join(dest, `kcp-tmc-${name}-0.0.0.tgz`)]));
  await Promise.all(
    packageNames().map((name) =>
      exec('pnpm', ['pack', '--pack-destination', dest], {
        cwd: join(repoRoot, 'packages', name),
        timeoutMs: 60_000,
      }),
    ),
  );
  const packed = readdirSync(dest).sort();
  const expected = [...tarballs.values()].map((t) => t.slice(dest.length + 1)).sort();
  if (JSON.stringify(packed) !== JSON.stringify(expected)) {
    throw new Error(`packed ${packed.join(', ')}, expected ${expected.join(', ')}`);
  }
  return tarballs;
}

interface Manifest {
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The required peer dependencies of the packages, as `name@range`: what a user installs beside them. */
export function requiredPeers(): string[] {
  const peers = new Map<string, string>();
  for (const name of packageNames()) {
    const m = manifest(join(repoRoot, 'packages', name));
    for (const [peer, range] of Object.entries(m.peerDependencies ?? {})) {
      if (m.peerDependenciesMeta?.[peer]?.optional !== true) peers.set(peer, range);
    }
  }
  return [...peers].map(([peer, range]) => `${peer}@${range}`).sort();
}

/**
 * A fresh npm project in `dir` with the tarballs (no workspace links), the peers the README tells users to
 * install, and TypeScript with Node's types, plus the fixture program and its tsconfigs.
 */
export async function installConsumer(dir: string, tarballs: Iterable<string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'kcp-tmc-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const file of readdirSync(fixture)) copyFileSync(join(fixture, file), join(dir, file));
  const dev = manifest(repoRoot).devDependencies ?? {};
  await exec(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...tarballs,
      ...requiredPeers(),
      `typescript@${dev.typescript}`,
      `@types/node@${dev['@types/node']}`,
    ],
    { cwd: dir, timeoutMs: 240_000 },
  );
}
