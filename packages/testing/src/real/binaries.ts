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

export interface ResolveKubeBinariesOptions {
  /** A directory holding the three binaries; defaults to `$KCP_TMC_KUBE_BINS`, else build.sh is run. */
  readonly binDir?: string;
  /** The build script; defaults to `tools/kube-bins/build.sh` found above this file (a repo checkout). */
  readonly buildScript?: string;
  /** Receives build.sh's progress output (stderr); defaults to this process's stderr. */
  readonly onBuildOutput?: (text: string) => void;
}

/** The environment variable naming a directory of prebuilt binaries (skips build.sh). */
export const KUBE_BINS_ENV = 'KCP_TMC_KUBE_BINS';

const BUILD_SCRIPT = join('tools', 'kube-bins', 'build.sh');

// One build per script per process, however many control planes start at once.
const builds = new Map<string, Promise<KubeBinaries>>();

/**
 * Finds kube-apiserver, kube-controller-manager and etcd: an explicit directory, `$KCP_TMC_KUBE_BINS`,
 * or the cache that build.sh fills (building on first use, which takes minutes when the Go cache is cold).
 * Throws RealApiserverUnavailableError when neither prebuilt binaries nor Go are available.
 */
export async function resolveKubeBinaries(options: ResolveKubeBinariesOptions = {}): Promise<KubeBinaries> {
  const dir = options.binDir ?? process.env[KUBE_BINS_ENV];
  // CI sets `off` when it tried to build the binaries and could not: skip rather than build again in tests.
  if (dir === 'off') {
    throw new RealApiserverUnavailableError(
      'disabled',
      `${KUBE_BINS_ENV}=off: the real kube-apiserver suites are off`,
    );
  }
  if (dir) {
    return binariesIn(dir, options.binDir ? 'binDir' : KUBE_BINS_ENV);
  }
  const script = options.buildScript ?? findBuildScript(dirname(fileURLToPath(import.meta.url)));
  if (!script) {
    throw new RealApiserverUnavailableError(
      'build-script-missing',
      `no ${BUILD_SCRIPT} above ${fileURLToPath(import.meta.url)}; set ${KUBE_BINS_ENV} to a directory of binaries`,
    );
  }
  if (!findOnPath('go')) {
    throw new RealApiserverUnavailableError(
      'go-missing',
      `the Go toolchain is not on PATH, so ${script} cannot build kube-apiserver and etcd; ` +
        `install Go or set ${KUBE_BINS_ENV} to a directory of prebuilt binaries`,
    );
  }
  let build = builds.get(script);
  if (!build) {
    build = runBuildScript(script, options.onBuildOutput ?? ((text) => process.stderr.write(text)));
    // A failed build may be retried by a later call (for instance after fixing the toolchain).
    build.catch(() => builds.delete(script));
    builds.set(script, build);
  }
  return build;
}

function binariesIn(dir: string, source: string): KubeBinaries {
  const binaries: KubeBinaries = {
    dir,
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    etcd: join(dir, 'etcd'),
  };
  for (const path of [binaries.kubeApiserver, binaries.kubeControllerManager, binaries.etcd]) {
    if (!isExecutable(path)) {
      throw new Error(`${source} points at ${dir}, but ${path} is missing or not executable`);
    }
  }
  return binaries;
}

function findBuildScript(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, BUILD_SCRIPT);
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

function runBuildScript(script: string, onOutput: (text: string) => void): Promise<KubeBinaries> {
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
        resolve(binariesIn(dir, script));
      } catch (error) {
        reject(new RealApiserverStartError(String(error), tail.text()));
      }
    });
  });
}
