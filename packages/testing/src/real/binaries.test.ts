import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KCP_BINS_ENV, KUBE_BINS_ENV, resolveKcpBinaries, resolveKubeBinaries } from './binaries.js';
import { RealApiserverStartError, RealApiserverUnavailableError } from './errors.js';

describe('resolveKubeBinaries', () => {
  let dir: string;
  const saved = { path: process.env.PATH, bins: process.env[KUBE_BINS_ENV], ci: process.env.CI };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-bins-test-'));
    delete process.env[KUBE_BINS_ENV];
    // These cases are about a developer machine; CI=true turns "unavailable" into a failure (own case below).
    delete process.env.CI;
  });

  afterEach(() => {
    process.env.PATH = saved.path;
    if (saved.bins === undefined) {
      delete process.env[KUBE_BINS_ENV];
    } else {
      process.env[KUBE_BINS_ENV] = saved.bins;
    }
    if (saved.ci === undefined) {
      delete process.env.CI;
    } else {
      process.env.CI = saved.ci;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function executable(name: string, script: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/usr/bin/env bash\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('reports go-missing (the reason test suites skip on) when Go is not on PATH', async () => {
    process.env.PATH = dir;
    const error = await resolveKubeBinaries({ buildScript: executable('build.sh', 'exit 0') }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(RealApiserverUnavailableError);
    expect(error).toMatchObject({ reason: 'go-missing' });
    expect(String(error.message)).toContain(KUBE_BINS_ENV);
  });

  it('fails loudly instead of skipping when CI=true (only a developer machine may skip)', async () => {
    process.env.PATH = dir;
    process.env.CI = 'true';
    const error = await resolveKubeBinaries({ buildScript: executable('build.sh', 'exit 0') }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(RealApiserverStartError);
    expect(String(error.message)).toContain('CI=true');
  });

  it('finds kcp, its Go syncer and kubectl-kcp in KCP_TMC_KCP_BINS without building', async () => {
    for (const name of ['kcp', 'syncer', 'kubectl-kcp']) {
      executable(name, 'exit 0');
    }
    const saved = process.env[KCP_BINS_ENV];
    process.env[KCP_BINS_ENV] = dir;
    try {
      await expect(resolveKcpBinaries()).resolves.toEqual({
        dir,
        kcp: join(dir, 'kcp'),
        syncer: join(dir, 'syncer'),
        kubectlKcp: join(dir, 'kubectl-kcp'),
      });
    } finally {
      if (saved === undefined) delete process.env[KCP_BINS_ENV];
      else process.env[KCP_BINS_ENV] = saved;
    }
  });

  it('reports disabled, without building, when KCP_TMC_KUBE_BINS=off (CI could not build)', async () => {
    process.env[KUBE_BINS_ENV] = 'off';
    const error = await resolveKubeBinaries({ buildScript: executable('build.sh', 'exit 1') }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(RealApiserverUnavailableError);
    expect(error).toMatchObject({ reason: 'disabled' });
  });

  it('uses the directory named by KCP_TMC_KUBE_BINS without building', async () => {
    for (const name of ['kube-apiserver', 'kube-controller-manager', 'etcd']) {
      executable(name, 'exit 0');
    }
    process.env[KUBE_BINS_ENV] = dir;
    process.env.PATH = '';
    await expect(resolveKubeBinaries()).resolves.toEqual({
      dir,
      kubeApiserver: join(dir, 'kube-apiserver'),
      kubeControllerManager: join(dir, 'kube-controller-manager'),
      etcd: join(dir, 'etcd'),
    });
  });

  it('names the missing binary when the given directory is incomplete', async () => {
    executable('kube-apiserver', 'exit 0');
    await expect(resolveKubeBinaries({ binDir: dir })).rejects.toThrow(/kube-controller-manager is missing/);
  });

  it('takes the bin dir from the last stdout line of the build script', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kube-bins-out-'));
    try {
      for (const name of ['kube-apiserver', 'kube-controller-manager', 'etcd']) {
        writeFileSync(join(out, name), '');
        chmodSync(join(out, name), 0o755);
      }
      executable('go', 'exit 0');
      process.env.PATH = `${dir}:${saved.path}`;
      const progress: string[] = [];
      const script = executable('build.sh', `echo noise; echo building >&2; echo ${out}`);
      const binaries = await resolveKubeBinaries({
        buildScript: script,
        onBuildOutput: (t) => progress.push(t),
      });
      expect(binaries.dir).toBe(out);
      expect(progress.join('')).toBe('building\n');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('fails with the build log tail when the build script fails', async () => {
    executable('go', 'exit 0');
    process.env.PATH = `${dir}:${saved.path}`;
    const script = executable('build.sh', 'echo "compile: out of memory" >&2; exit 2');
    const error = await resolveKubeBinaries({ buildScript: script, onBuildOutput: () => {} }).catch((e) => e);
    expect(error).toBeInstanceOf(RealApiserverStartError);
    expect(error.message).toContain('exit 2');
    expect(error.logTail).toBe('compile: out of memory');
  });
});
