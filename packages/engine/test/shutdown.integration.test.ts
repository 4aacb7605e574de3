import { parseGvr } from '@kcp-tmc/interfaces';
import { withinDeadline } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { workload } from './support/fixtures.js';
import { type Stack, serverSide, startStack } from './support/stack.js';
import { eventually } from './support/wait.js';

describe('engine shutdown against simulators', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('with 10k queued keys, finishes the keys in flight and hands back every key it did not process', async () => {
    const deadlineMs = 2000;
    stack = await startStack({ config: { workerCount: 2, shutdownTimeoutMs: deadlineMs } });
    const configmaps = parseGvr('v1/configmaps');
    const store = serverSide(stack.upstream, configmaps);
    const keys: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      store.create(workload('v1/configmaps', 'default', `cm-${i}`, stack.ref.key));
      keys.push(stack.downKey(configmaps, 'default', `cm-${i}`));
    }
    // A slow syncer: 20 ms per object, so two workers are far from done when the engine stops.
    const finished = new Set<string>();
    stack.syncer.behavior = async (call) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished.add(call.id);
      return undefined;
    };
    const engine = stack.engine();
    await engine.start();
    await eventually(() => finished.size >= 10);

    // Only the keys in flight finish (20 ms each); the backlog is handed back, not worked through.
    await withinDeadline('engine.stop with 10k queued keys', deadlineMs, engine.stop());
    const inFlightAtStop = new Set(stack.syncer.calls.map((c) => c.id).filter((id) => !finished.has(id)));

    const drain = engine.lastDrain();
    expect(drain?.drained).toBe(true);
    const handedBack = new Set(drain?.handedBack);
    expect(handedBack.size).toBe(drain?.handedBack.length);
    const lost = keys.filter((key) => !finished.has(key) && !handedBack.has(key) && !inFlightAtStop.has(key));
    expect(lost).toEqual([]);
    expect(handedBack.size).toBeGreaterThan(9000);
    expect(
      keys.filter((key) => finished.has(key) && handedBack.has(key) && !inFlightAtStop.has(key)),
    ).toEqual([]);
    expect(engine.getStatus().connected).toBe(false);
    // Idempotent: a second stop is the same stop.
    await engine.stop();
  });
});
