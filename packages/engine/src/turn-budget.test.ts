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

  it('keeps a timer firing while workers run through synchronous work', async () => {
    const budget = new TurnBudget({ now: () => performance.now() }, 5);
    let fired = 0;
    let done = 0;
    const timer = setInterval(() => fired++, 1);
    // Four "workers" each looping over 2,000 units of ~0.02 ms synchronous work, as cached noops are.
    const worker = async () => {
      for (let i = 0; i < 2_000; i++) {
        const until = performance.now() + 0.02;
        while (performance.now() < until) {
          // busy
        }
        done++;
        await budget.spend();
      }
    };
    const started = performance.now();
    await Promise.all([worker(), worker(), worker(), worker()]);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(done).toBe(8_000);
    // Without the budget the interval never fires before the loop ends; with it, about once per 5 ms.
    expect(fired).toBeGreaterThanOrEqual(Math.floor(elapsed / 5 / 4));
  });
});
