import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KUBE_BINS_ENV } from '../../../real/binaries.js';

/**
 * The one place the suite finds kubectl: `$KUBECTL`, then `kubectl` in `$KCP_TMC_KUBECTL` or the kube-bins
 * directory (`$KCP_TMC_KUBE_BINS`), then `kubectl` on PATH. Undefined when there is none. (To be replaced by
 * `resolveKubectl()` of real/binaries.ts, which builds kubectl of the server binaries' version.)
 */
export async function findKubectl(): Promise<string | undefined> {
  const inDir = (env: string) => (process.env[env] ? join(process.env[env]!, 'kubectl') : undefined);
  const candidates = [
    process.env.KUBECTL,
    inDir('KCP_TMC_KUBECTL'),
    inDir(KUBE_BINS_ENV),
    ...(process.env.PATH ?? '').split(delimiter).map((d) => (d ? join(d, 'kubectl') : undefined)),
  ];
  return candidates.find((c): c is string => c !== undefined && isExecutable(c));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Stop kubectl (SIGTERM) once stdout matches: for commands that follow a stream (`logs -f`). */
  stopWhen?: RegExp;
}

/** Runs kubectl with a kubeconfig and a private discovery cache; never rejects (a timeout is code 124). */
export function runKubectl(
  kubectl: string,
  kubeconfig: string,
  cacheDir: string,
  args: string[],
  options: KubectlOptions = {},
): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const child = spawn(kubectl, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: cacheDir, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let stopped = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
      if (options.stopWhen?.test(stdout) && !stopped) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? 124 : stopped ? 0 : (code ?? 1), stdout, stderr });
    });
  });
}
