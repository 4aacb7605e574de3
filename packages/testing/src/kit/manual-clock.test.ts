import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('fires due timers in time order as time advances, and timers they set that fall due too', async () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b at 1030'), 30);
    clock.setTimeout(() => {
      fired.push('a at 1010');
      clock.setTimeout(() => fired.push('c at 1025'), 15);
    }, 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 5);
    clock.clearTimeout(cancelled);
    await clock.advance(25);
    expect(fired).toEqual(['a at 1010', 'c at 1025']);
    expect(clock.now()).toBe(1_025);
    expect(clock.pendingTimers()).toEqual([1_030]);
    await clock.advance(5);
    expect(fired).toEqual(['a at 1010', 'c at 1025', 'b at 1030']);
  });

  it('ticks synchronously, firing what falls due in order', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 20);
    clock.setTimeout(() => fired.push(clock.now()), 10);
    clock.tick(19);
    expect(fired).toEqual([10]);
    clock.tick(1);
    expect(fired).toEqual([10, 20]);
    expect(clock.now()).toBe(20);
  });
});
