import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealApiserverStartError, RealApiserverUnavailableError } from './errors.js';
import { LogTail } from './log-tail.js';

/** Absolute paths of the control-plane binaries built by `tools/kube-bins/build.sh`. */
export interface KubeBinaries {
  readonly dir: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly etcd: string;
}

/** Absolute paths of kcp v0.11, its Go syncer and the kubectl-kcp plugin, built by `tools/kcp-bins/build.sh`. */
export interface KcpBinaries {
  readonly dir: string;
  readonly kcp: string;
  readonly syncer: string;
  readonly kubectlKcp: string;
}

/** kubectl at the same Kubernetes version as the server binaries, built by `tools/kube-bins/kubectl/build.sh`. */
export interface KubectlBinary {
  readonly dir: string;
  readonly kubectl: string;
}

export interface ResolveKubeBinariesOptions {
  /** A directory holding the binaries; defaults to the set's environment variable, else build.sh is run. */
  readonly binDir?: string;
  /** The build script; defaults to `tools/<set>/build.sh` found above this file (a repo checkout). */
  readonly buildScript?: string;
  /** Receives build.sh's progress output (stderr); defaults to this process's stderr. */
  readonly onBuildOutput?: (text: string) => void;
}
export type ResolveKcpBinariesOptions = ResolveKubeBinariesOptions;
export type ResolveKubectlOptions = ResolveKubeBinariesOptions;

/** The environment variable naming a directory of prebuilt kube binaries (skips build.sh). */
export const KUBE_BINS_ENV = 'KCP_TMC_KUBE_BINS';
/** The environment variable naming a directory of prebuilt kcp binaries (skips build.sh). */
export const KCP_BINS_ENV = 'KCP_TMC_KCP_BINS';

/** The environment variable naming a directory holding a prebuilt kubectl (skips its build.sh). */
export const KUBECTL_ENV = 'KCP_TMC_KUBECTL';

/** One set of binaries built from Go modules by a script of the repo's `tools/`. */
interface BinarySet<T> {
  readonly env: string;
  readonly script: string;
  /** What the suites that need it are called, for skip messages. */
  readonly what: string;
  /** File name of each binary in the directory. */
  readonly files: { readonly [K in Exclude<keyof T, 'dir'>]: string };
}

const KUBE_SET: BinarySet<KubeBinaries> = {
  env: KUBE_BINS_ENV,
  script: join('tools', 'kube-bins', 'build.sh'),
  what: 'real kube-apiserver',
  files: { kubeApiserver: 'kube-apiserver', kubeControllerManager: 'kube-controller-manager', etcd: 'etcd' },
};

const KCP_SET: BinarySet<KcpBinaries> = {
  env: KCP_BINS_ENV,
  script: join('tools', 'kcp-bins', 'build.sh'),
  what: 'real kcp',
  files: { kcp: 'kcp', syncer: 'syncer', kubectlKcp: 'kubectl-kcp' },
};

const KUBECTL_SET: BinarySet<KubectlBinary> = {
  env: KUBECTL_ENV,
  script: join('tools', 'kube-bins', 'kubectl', 'build.sh'),
  what: 'kubectl',
  files: { kubectl: 'kubectl' },
};

// One build per script per process, however many control planes start at once.
const builds = new Map<string, Promise<unknown>>();

/**
 * Finds kube-apiserver, kube-controller-manager and etcd: an explicit directory, `$KCP_TMC_KUBE_BINS`,
 * or the cache that build.sh fills (building on first use, which takes minutes when the Go cache is cold).
 * Throws RealApiserverUnavailableError when neither prebuilt binaries nor Go are available.
 */
export function resolveKubeBinaries(options: ResolveKubeBinariesOptions = {}): Promise<KubeBinaries> {
  return resolveBinaries(KUBE_SET, options);
}

/**
 * Finds kcp, its Go syncer and kubectl-kcp (v0.11.0): an explicit directory, `$KCP_TMC_KCP_BINS`, or the cache
 * that tools/kcp-bins/build.sh fills (4-6 minutes when the Go cache is cold). Same errors as resolveKubeBinaries.
 */
export function resolveKcpBinaries(options: ResolveKcpBinariesOptions = {}): Promise<KcpBinaries> {
  return resolveBinaries(KCP_SET, options);
}

/**
 * Finds kubectl of the server binaries' Kubernetes version: an explicit directory, `$KCP_TMC_KUBECTL`, or the
 * cache that tools/kube-bins/kubectl/build.sh fills (about 2 minutes when the Go build cache is warm). Same
 * errors as resolveKubeBinaries: RealApiserverUnavailableError on a developer machine without Go, a start
 * error with CI=true.
 */
export function resolveKubectl(options: ResolveKubectlOptions = {}): Promise<KubectlBinary> {
  return resolveBinaries(KUBECTL_SET, options);
}

async function resolveBinaries<T extends { readonly dir: string }>(
  set: BinarySet<T>,
  options: ResolveKubeBinariesOptions,
): Promise<T> {
  try {
    return await findOrBuild(set, options);
  } catch (error) {
    // Only a developer machine may skip a real-server suite; in CI a server that cannot be had fails it.
    if (error instanceof RealApiserverUnavailableError && process.env.CI === 'true') {
      throw new RealApiserverStartError(
        `CI=true, and the ${set.what} suites cannot run: ${error.message}`,
        '',
      );
    }
    throw error;
  }
}

async function findOrBuild<T extends { readonly dir: string }>(
  set: BinarySet<T>,
  options: ResolveKubeBinariesOptions,
): Promise<T> {
  const dir = options.binDir ?? process.env[set.env];
  // CI sets `off` when it tried to build the binaries and could not: skip rather than build again in tests.
  if (dir === 'off') {
    throw new RealApiserverUnavailableError('disabled', `${set.env}=off: the ${set.what} suites are off`);
  }
  if (dir) {
    return binariesIn(set, dir, options.binDir ? 'binDir' : set.env);
  }
  const script = options.buildScript ?? findBuildScript(set.script, dirname(fileURLToPath(import.meta.url)));
  if (!script) {
    throw new RealApiserverUnavailableError(
      'build-script-missing',
      `no ${set.script} above ${fileURLToPath(import.meta.url)}; set ${set.env} to a directory of binaries`,
    );
  }
  if (!findOnPath('go')) {
    throw new RealApiserverUnavailableError(
      'go-missing',
      `the Go toolchain is not on PATH, so ${script} cannot build the ${set.what} binaries; ` +
        `install Go or set ${set.env} to a directory of prebuilt binaries`,
    );
  }
  let build = builds.get(script) as Promise<T> | undefined;
  if (!build) {
    build = runBuildScript(set, script, options.onBuildOutput ?? ((text) => process.stderr.write(text)));
    // A failed build may be retried by a later call (for instance after fixing the toolchain).
    build.catch(() => builds.delete(script));
    builds.set(script, build);
  }
  return build;
}

function binariesIn<T extends { readonly dir: string }>(set: BinarySet<T>, dir: string, source: string): T {
  const entries = Object.entries(set.files as Record<string, string>).map(([key, file]) => [
    key,
    join(dir, file),
  ]);
  for (const [, path] of entries) {
    if (!isExecutable(path as string)) {
      throw new Error(`${source} points at ${dir}, but ${path} is missing or not executable`);
    }
  }
  return { dir, ...Object.fromEntries(entries) } as T;
}

function findBuildScript(relative: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) {
      return candidate;
    }
    if (dirname(dir) === dir) {
      return undefined;
    }
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) {
      return join(dir, command);
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function runBuildScript<T extends { readonly dir: string }>(
  set: BinarySet<T>,
  script: string,
  onOutput: (text: string) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = new LogTail(40);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      tail.push(text);
      onOutput(text);
    });
    child.on('error', (error) => reject(new RealApiserverStartError(`cannot run ${script}: ${error}`, '')));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new RealApiserverStartError(`${script} failed (${signal ?? `exit ${code}`})`, tail.text()));
        return;
      }
      // The script's contract: the bin directory is its last line on stdout.
      const dir = stdout.trimEnd().split('\n').pop() ?? '';
      try {
        resolve(binariesIn(set, dir, script));
      } catch (error) {
        reject(new RealApiserverStartError(String(error), tail.text()));
      }
    });
  });
}

/**
 * Why the real-kcp suites cannot run on this machine (kcp and kube binaries unavailable), or undefined when they
 * can. Suites skip with this reason on a developer machine; with CI=true resolving throws instead.
 */
export async function realKcpUnavailable(): Promise<string | undefined> {
  try {
    await Promise.all([resolveKcpBinaries(), resolveKubeBinaries()]);
    return undefined;
  } catch (error) {
    if (error instanceof RealApiserverUnavailableError) return error.message;
    throw error;
  }
}
