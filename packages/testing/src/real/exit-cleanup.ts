/**
 * Last-resort cleanup when the process ends without calling `stop()` (a crashed test run, Ctrl-C):
 * control-plane processes must not outlive the test process, nor their files stay in the temp dir.
 */
const cleanups = new Set<() => void>();
let installed = false;

/** Runs `cleanup` (synchronously) if the process exits or is signalled; the returned function unregisters it. */
export function registerExitCleanup(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

function runAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort: one failed cleanup must not keep the others from running.
    }
  }
  cleanups.clear();
}

function install(): void {
  if (installed) {
    return;
  }
  installed = true;
  process.once('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runAll();
      // Listening replaced the default action (exit); restore it unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) {
        process.kill(process.pid, signal);
      }
    });
  }
}
