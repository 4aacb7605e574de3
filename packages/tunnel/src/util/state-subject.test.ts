import { describe, expect, it } from 'vitest';
import { StateSubject } from './state-subject.js';

describe('StateSubject', () => {
  it('replays the current value, emits changes only, and completes', () => {
    const subject = new StateSubject('a');
    const seen: string[] = [];
    let completed = false;
    const subscription = subject.subscribe({ next: (v) => seen.push(v), complete: () => (completed = true) });
    subject.next('a');
    subject.next('b');
    subject.next('c');
    subscription.unsubscribe();
    subject.next('d');
    expect(seen).toEqual(['a', 'b', 'c']);
    const late: string[] = [];
    subject.subscribe({ next: (v) => late.push(v), complete: () => (completed = true) });
    subject.complete();
    subject.next('e');
    expect(late).toEqual(['d']);
    expect(completed).toBe(true);
    expect(subject.value).toBe('d');
  });
});
