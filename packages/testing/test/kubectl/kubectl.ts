import { spawn } from 'node:child_process';

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
