import { afterAll, beforeAll } from 'vitest';
import { type Agent, type Sims, startSims } from './stack.js';

/** An object that reads every property through to what `current` returns at the time (methods bound to it). */
function readThrough<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_, property) {
      const target = current();
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The calling describe block's simulators and agent: `setUp` gets the started simulators and returns the agent,
 * before the block's tests; both stop after them. The returned Sims and Agent read through to them, so they can
 * be captured before they start.
 */
export function useSpecStack(setUp: (sims: Sims) => Promise<Agent>): {
  readonly sims: Sims;
  readonly agent: Agent;
} {
  let sims: Sims | undefined;
  let agent: Agent | undefined;
  beforeAll(async () => {
    sims = await startSims();
    agent = await setUp(sims);
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await sims?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the spec stack starts in beforeAll');
    return value;
  };
  return { sims: readThrough(() => started(sims)), agent: readThrough(() => started(agent)) };
}
