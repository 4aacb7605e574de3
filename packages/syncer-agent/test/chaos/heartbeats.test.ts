import { describe, expect, it } from 'vitest';
import { longestWait } from './heartbeats.js';

describe('the heartbeat gap outside the fault window', () => {
  const beats = [0, 2_000, 4_000, 12_000, 14_000];

  it('is the longest wait over the whole run without a window, the last one running until now', () => {
    expect(longestWait(beats, 15_000)).toBe(8_000);
    expect(longestWait(beats, 20_000)).toBe(8_000);
    expect(longestWait(beats, 23_000)).toBe(9_000);
  });

  it('ignores the part of a wait inside the window, but not the wait for the first beat after the heal', () => {
    // Fault from 5 s to 10 s: the 4 s -> 12 s wait counts 1 s before the fault and 2 s after the heal.
    expect(longestWait(beats, 15_000, { start: 5_000, end: 10_000 })).toBe(2_000);
    // Healed at 8 s: the first beat came 4 s later, over a 2 s period.
    expect(longestWait(beats, 15_000, { start: 5_000, end: 8_000 })).toBe(4_000);
    expect(longestWait([0, 1_000], 1_500, { start: 5_000, end: 6_000 })).toBe(1_000);
  });
});
