import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobMismatches, execFileAsync, type OciImage, readLayout, unpackLayers } from './oci.js';

// The agent's OCI image (tools/image/build.sh): CI builds it in its own step and passes the archive in
// KCP_TMC_IMAGE; without it, this suite builds it (tens of seconds once the downloads are cached).
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const agentVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'packages/syncer-agent/package.json'), 'utf8')) as {
    version: string;
  }
).version;
const nodeVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: { node: string } }
).devDependencies.node;
const isRoot = process.getuid?.() === 0;

/** An executable on the host's PATH (the image's PATH is handed to the child, so it cannot find host tools). */
function hostTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

/**
 * The command prefix (ending in chroot) that enters a root filesystem: chroot as root, else chroot in a user
 * namespace where we are root (`unshare -r`; the image's user id is not mapped there, so it runs as 0). Or
 * the reason neither is possible.
 */
function rootEntry(): string[] | string {
  const chroot = hostTool('chroot');
  if (chroot === undefined) return 'chroot is not installed';
  if (isRoot) return [chroot];
  const unshare = hostTool('unshare');
  if (unshare === undefined) return `not root (uid ${process.getuid?.()}) and unshare is not installed`;
  try {
    execFileSync(unshare, ['-r', 'true'], { stdio: 'ignore' });
  } catch (err) {
    return `not root and unprivileged user namespaces are unavailable: ${String(err)}`;
  }
  return [unshare, '-r', chroot];
}

const entry = rootEntry();
// Only under CI=true must the entrypoint run (beforeAll fails with the reason); elsewhere, say why it did not.
const cannotEnter = typeof entry === 'string' && process.env.CI !== 'true';
if (cannotEnter) console.warn(`agent image: not running the entrypoint: ${entry}`);

// Hashing 240 MB of layers and starting node in the chroot take seconds each on two busy cores.
describe('agent image (tools/image)', { timeout: 120_000 }, () => {
  let work: string;
  let root: string;
  let image: OciImage;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kcp-tmc-image-'));
    let archive = process.env.KCP_TMC_IMAGE;
    if (archive === undefined) {
      const { stdout } = await execFileAsync('bash', [join(repoRoot, 'tools/image/build.sh')], {
        cwd: repoRoot,
        env: { ...process.env, KCP_TMC_IMAGE_OUT: join(work, 'out') },
        maxBuffer: 16 * 1024 * 1024,
      });
      archive = stdout.trim().split('\n').pop() ?? '';
    }
    await mkdir(join(work, 'layout'));
    await execFileAsync('tar', ['-xf', archive, '-C', join(work, 'layout')]);
    image = await readLayout(join(work, 'layout'));
    root = join(work, 'root');
    await mkdir(root);
    await unpackLayers(image, root);
    if (typeof entry === 'string' && process.env.CI === 'true') {
      throw new Error(`cannot run the image's entrypoint from its root filesystem: ${entry}`);
    }
  }, 300_000);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  /** Runs the image's entrypoint (or `command`) in the unpacked root with only the image's environment. */
  async function runInImage(args: string[], command = image.config.config.Entrypoint ?? []) {
    if (typeof entry === 'string') throw new Error(entry);
    const [file, ...prefix] = entry;
    const userspec = isRoot ? [`--userspec=${image.config.config.User}`] : [];
    return execFileAsync(file ?? '', [...prefix, ...userspec, root, ...command, ...args], {
      env: Object.fromEntries((image.config.config.Env ?? []).map((e) => e.split(/=(.*)/s, 2))),
    });
  }

  it('is a valid OCI layout whose digests, sizes and diff_ids match their blobs', async () => {
    expect(image.manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(image.manifest.layers).toHaveLength(image.config.rootfs.diff_ids.length);
    expect(await blobMismatches(image)).toEqual([]);
  });

  it('is named and labelled as the rendered Deployment names it (manifests/image.ts)', () => {
    const ref = `ghcr.io/kcp-tmc/syncer-agent:${agentVersion}`;
    expect(image.manifestDescriptor.annotations?.['org.opencontainers.image.ref.name']).toBe(ref);
    expect(image.manifestDescriptor.platform).toEqual({ architecture: 'amd64', os: 'linux' });
    expect(image.config.config.Labels).toMatchObject({
      'org.opencontainers.image.version': agentVersion,
      'org.opencontainers.image.licenses': 'Apache-2.0',
      'org.opencontainers.image.source': expect.stringMatching(/^https:\/\/github\.com\//),
    });
  });

  it('runs node on the agent CLI as the non-root user 65532', async () => {
    expect(image.config).toMatchObject({ architecture: 'amd64', os: 'linux' });
    expect(image.config.config.User).toBe('65532:65532');
    expect(image.config.config.Entrypoint).toEqual([
      '/nodejs/bin/node',
      expect.stringMatching(/^\/app\/dist\/cli\//),
    ]);
    expect(await readFile(join(root, 'etc/passwd'), 'utf8')).toContain('nonroot:x:65532:65532:');
    expect(await readFile(join(root, 'etc/group'), 'utf8')).toContain('nonroot:x:65532:');
    const bundle = await readFile(join(root, 'etc/ssl/certs/ca-certificates.crt'), 'utf8');
    expect(bundle.match(/-----BEGIN CERTIFICATE-----/g)?.length).toBeGreaterThan(100);
  });

  it.skipIf(cannotEnter)('`version` from the unpacked root prints the agent and Node versions', async () => {
    const { stdout } = await runInImage(['version']);
    expect(stdout).toBe(`syncer-agent ${agentVersion} (node v${nodeVersion}, linux/x64)\n`);
  });

  it.skipIf(cannotEnter)(
    "runs as kcp's generated Deployment starts it: /ko-app/syncer with kcp's syncer flags",
    async () => {
      const { stdout } = await runInImage(['version'], ['/ko-app/syncer']);
      expect(stdout).toBe(`syncer-agent ${agentVersion} (node v${nodeVersion}, linux/x64)\n`);
      // Leading flags mean `run`, as in kcp's syncer.
      const help = await runInImage(['--help'], ['/ko-app/syncer']);
      expect(help.stdout).toMatch(/^Usage: syncer-agent /m);
    },
  );

  it.skipIf(cannotEnter)('`run --help` from the unpacked root prints its usage and exits 0', async () => {
    const { stdout } = await runInImage(['run', '--help']);
    expect(stdout).toMatch(/^Usage: syncer-agent run/m);
  });

  it.skipIf(cannotEnter)(
    "node loads only the image's shared libraries and finds its CA bundle, as the image user",
    async () => {
      const script =
        'const r = process.report.getReport(); const cas = require("tls").getCACertificates("system").length;' +
        'console.log(JSON.stringify({ uid: process.getuid(), libs: r.sharedObjects, cas }))';
      const { stdout } = await runInImage(['-e', script], ['/nodejs/bin/node']);
      const { uid, libs, cas } = JSON.parse(stdout) as { uid: number; libs: string[]; cas: number };
      if (isRoot) expect(uid).toBe(65532);
      // The system store (`--use-system-ca`) is OpenSSL's /etc/ssl, where the image puts Debian's bundle.
      expect(cas).toBeGreaterThan(100);
      const loaded = libs.filter((l) => l.startsWith('/') && l !== '/nodejs/bin/node');
      expect(loaded).toEqual(expect.arrayContaining([expect.stringMatching(/libstdc\+\+\.so\.6$/)]));
      for (const lib of loaded) {
        expect(lib).toMatch(/^\/(lib|lib64|usr\/lib)\//);
        accessSync(join(root, lib));
      }
    },
  );
});
