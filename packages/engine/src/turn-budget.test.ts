import { describe, expect, it } from 'vitest';
import { TurnBudget } from './turn-budget.js';

describe('TurnBudget', () => {
  it('lets work continue in microtasks while the budget lasts, then waits for a turn of the event loop', async () => {
    let now = 0;
    const budget = new TurnBudget({ now: () => now }, 10);
    const order: string[] = [];
    setImmediate(() => order.push('event loop turned'));

    now = 9;
    await budget.spend();
    order.push('within budget');
    now = 10;
    await budget.spend();
    order.push('after the budget');
    expect(order).toEqual(['within budget', 'event loop turned', 'after the budget']);

    // A new turn, a new budget.
    now = 15;
    await budget.spend();
    order.push('new budget');
    expect(order.at(-1)).toBe('new budget');
  });

  it('turns the event loop while workers run through synchronous work', async () => {
    // Time moves with the work only (0.02 ms per unit, as a cached noop takes), so the figures do not depend on
    // the machine's load: 4 workers x 2,000 units = 160 ms of work, a turn due every 5 ms of it.
    let now = 0;
    const budget = new TurnBudget({ now: () => now }, 5);
    let turns = 0;
    let working = true;
    const ticker = () => {
      turns++;
      if (working) setImmediate(ticker);
    };
    setImmediate(ticker);
    let done = 0;
    const worker = async () => {
      for (let i = 0; i < 2_000; i++) {
        now += 0.02;
        done++;
        await budget.spend();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    working = false;
    expect(done).toBe(8_000);
    // Without the budget the loop never turns before the work ends (it all runs in microtasks); with it, it turns
    // at least once per 4 budgets (each of the 4 waiting workers starts a budget as it resumes in that turn).
    expect(turns).toBeGreaterThanOrEqual(Math.floor(160 / 5 / 4));
  });
});
