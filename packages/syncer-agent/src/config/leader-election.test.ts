import { describe, expect, it } from 'vitest';
import { leaseName } from '../agent/leader.js';
import { ConfigError } from './errors.js';
import { loadAgentOptions } from './load.js';

const BASE = ['--sync-target-name', 'east', '--from-cluster', 'root:org'];

const load = (argv: string[], env: Record<string, string> = {}) =>
  loadAgentOptions([...BASE, ...argv], { env, readFile: () => '' });

describe('leader election flags', () => {
  it('are off by default and take client-go-style periods when on', () => {
    expect(load([]).leaderElection).toBeUndefined();
    expect(load(['--leader-elect']).leaderElection).toEqual({
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
    expect(
      load([
        '--leader-elect=true',
        '--leader-elect-lease-duration=30s',
        '--leader-elect-renew-deadline=20s',
        '--leader-elect-retry-period=5s',
        '--leader-elect-resource-namespace=kcp-syncer-east-1a2b3c4d',
        '--leader-elect-resource-name=east-leader',
      ]).leaderElection,
    ).toEqual({
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 5_000,
      namespace: 'kcp-syncer-east-1a2b3c4d',
      name: 'east-leader',
    });
  });

  it('read a boolean from the environment as pflag does', () => {
    expect(load([], { KCP_TMC_LEADER_ELECT: 'true' }).leaderElection).toBeDefined();
    expect(load([], { KCP_TMC_LEADER_ELECT: '0' }).leaderElection).toBeUndefined();
    expect(() => load([], { KCP_TMC_LEADER_ELECT: 'yes' })).toThrow(ConfigError);
  });

  it('refuse periods in the wrong order, naming the flag', () => {
    expect(() => load(['--leader-elect', '--leader-elect-renew-deadline=20s'])).toThrow(
      '--leader-elect-renew-deadline: must be shorter than --leader-elect-lease-duration',
    );
    expect(() => load(['--leader-elect', '--leader-elect-retry-period=10s'])).toThrow(
      '--leader-elect-retry-period: must be shorter than --leader-elect-renew-deadline',
    );
  });
});

describe('leaseName', () => {
  it('names the Lease after the SyncTarget, valid however long its name and whatever its key', () => {
    expect(leaseName({ name: 'east', key: 'aB3xYz' })).toMatch(/^kcp-tmc-east-[0-9a-f]{8}$/);
    expect(leaseName({ name: 'east', key: 'aB3xYz' })).not.toBe(leaseName({ name: 'east', key: 'other' }));
    const long = leaseName({ name: `${'a'.repeat(70)}`, key: 'k' });
    expect(long.length).toBeLessThanOrEqual(63);
  });
});
