import type { Condition } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { applyConditions, conditionsEqual, findCondition, setCondition } from './conditions.js';

const T1 = '2025-01-01T00:00:00Z';
const T2 = '2025-01-01T00:05:00Z';

describe('setCondition', () => {
  it('adds a new condition with the current time as its transition', () => {
    const result = setCondition([], { type: 'SyncerReady', status: 'True', reason: 'Started' }, T1);
    expect(result).toEqual([
      { type: 'SyncerReady', status: 'True', reason: 'Started', lastTransitionTime: T1 },
    ]);
  });

  it('keeps lastTransitionTime when only reason or message change', () => {
    const start = setCondition([], { type: 'SyncerReady', status: 'True', reason: 'A' }, T1);
    const result = setCondition(
      start,
      { type: 'SyncerReady', status: 'True', reason: 'B', message: 'm' },
      T2,
    );
    expect(result[0]).toEqual({
      type: 'SyncerReady',
      status: 'True',
      reason: 'B',
      message: 'm',
      lastTransitionTime: T1,
    });
  });

  it('moves lastTransitionTime when the status changes', () => {
    const start = setCondition([], { type: 'SyncerReady', status: 'True' }, T1);
    const result = setCondition(start, { type: 'SyncerReady', status: 'False', reason: 'Lost' }, T2);
    expect(findCondition(result, 'SyncerReady')?.lastTransitionTime).toBe(T2);
  });

  it('returns the same array when nothing changes, and never mutates its input', () => {
    const start = setCondition([], { type: 'SyncerReady', status: 'True', reason: 'A' }, T1);
    const frozen = Object.freeze(start.map((c) => Object.freeze(c)));
    const same = setCondition(frozen, { type: 'SyncerReady', status: 'True', reason: 'A' }, T2);
    expect(same).toBe(frozen);
    const changed = setCondition(frozen, { type: 'Other', status: 'False' }, T2);
    expect(changed).not.toBe(frozen);
    expect(frozen).toHaveLength(1);
  });

  it('keeps the order of other conditions and appends new types', () => {
    const list: Condition[] = [
      { type: 'A', status: 'True', lastTransitionTime: T1 },
      { type: 'B', status: 'True', lastTransitionTime: T1 },
    ];
    const result = setCondition(
      setCondition(list, { type: 'A', status: 'False' }, T2),
      { type: 'C', status: 'True' },
      T2,
    );
    expect(result.map((c) => `${c.type}=${c.status}`)).toEqual(['A=False', 'B=True', 'C=True']);
  });
});

// kcp v0.11's syncer sets only SyncerAuthorized (pkg/syncer/resourcesync/controller.go); Ready and
// HeartbeatHealthy are kcp's (ground-truth/go-syncer/synctarget.json), and SyncerReady nobody sets.
describe('applyConditions', () => {
  it('sets SyncerAuthorized, keeping its transition time while the status holds', () => {
    const first = applyConditions([], [{ type: 'SyncerAuthorized', status: 'True' }], T1);
    expect(first).toEqual([{ type: 'SyncerAuthorized', status: 'True', lastTransitionTime: T1 }]);
    const second = applyConditions(first, [{ type: 'SyncerAuthorized', status: 'False', reason: 'X' }], T2);
    expect(findCondition(second, 'SyncerAuthorized')).toMatchObject({
      status: 'False',
      lastTransitionTime: T2,
    });
  });

  it('never sets or summarises a condition kcp owns', () => {
    const kcp: Condition[] = [
      { type: 'Ready', status: 'True', lastTransitionTime: T1 },
      { type: 'HeartbeatHealthy', status: 'True', lastTransitionTime: T1 },
    ];
    const result = applyConditions(
      kcp,
      [
        { type: 'Ready', status: 'False' },
        { type: 'HeartbeatHealthy', status: 'False' },
        { type: 'SyncerReady', status: 'True' },
        { type: 'SyncerAuthorized', status: 'False', reason: 'SyncerUnauthorized' },
      ],
      T2,
    );
    expect(result.slice(0, 2)).toEqual(kcp);
    expect(result.map((c) => c.type)).toEqual(['Ready', 'HeartbeatHealthy', 'SyncerAuthorized']);
  });

  it('leaves conditions it does not own untouched', () => {
    const foreign: Condition = { type: 'APIImporterReady', status: 'True', lastTransitionTime: T1 };
    const result = applyConditions([foreign], [{ type: 'SyncerAuthorized', status: 'True' }], T2);
    expect(findCondition(result, 'APIImporterReady')).toEqual(foreign);
  });
});

describe('conditionsEqual', () => {
  it('ignores order and sees any field change', () => {
    const a: Condition = { type: 'A', status: 'True', lastTransitionTime: T1 };
    const b: Condition = { type: 'B', status: 'False', lastTransitionTime: T1 };
    expect(conditionsEqual([a, b], [b, a])).toBe(true);
    expect(conditionsEqual([a, b], [b, { ...a, message: 'x' }])).toBe(false);
    expect(conditionsEqual([a], [a, b])).toBe(false);
  });
});
