import type { RecordingSyncer } from './recording-syncer.js';
import { eventually } from './wait.js';

/** The annotation tests bump on upstream objects to see each one processed again. */
export const MARKER = 'test.kcp.io/marker';

/**
 * Waits until every key had an apply, from call index `since` on, that saw `marker`: each key processed once
 * more, with the latest object, none lost.
 */
export async function waitForMarker(
  stack: { readonly syncer: RecordingSyncer },
  keys: ReadonlyArray<string | { readonly key: string }>,
  marker: string,
  since: number,
  timeoutMs = 25_000,
): Promise<void> {
  const wanted = keys.map((k) => (typeof k === 'string' ? k : k.key));
  const missing = (): string[] => {
    const seen = new Set<string>();
    for (const call of stack.syncer.calls.slice(since)) {
      if (call.kind === 'apply' && call.upstream?.metadata.annotations?.[MARKER] === marker)
        seen.add(call.id);
    }
    return wanted.filter((key) => !seen.has(key));
  };
  try {
    await eventually(() => missing().length === 0, timeoutMs, 50);
  } catch (err) {
    const gone = missing();
    throw new Error(`${gone.length} keys never saw marker ${marker}, e.g. ${gone.slice(0, 3).join(', ')}`, {
      cause: err,
    });
  }
}
