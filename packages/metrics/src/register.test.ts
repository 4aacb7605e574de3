import { HEARTBEAT_CONFIG, SYNC_METRICS, WORKQUEUE_METRICS_PROVIDER } from '@kcp-tmc/interfaces';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { registerMetrics } from './register.js';
import { SyncerMetrics } from './registry.js';

function agentContainer() {
  const child = container.createChildContainer();
  child.register(HEARTBEAT_CONFIG, { useValue: { processMetrics: false } });
  return child;
}

describe('registerMetrics', () => {
  it('binds one metrics instance to both metric tokens and its class', () => {
    const child = agentContainer();
    registerMetrics(child);
    const metrics = child.resolve(SyncerMetrics);
    expect(child.resolve(SYNC_METRICS)).toBe(metrics);
    expect(child.resolve(WORKQUEUE_METRICS_PROVIDER)).toBe(metrics);
    // Two agents in one process never share metrics.
    const other = agentContainer();
    registerMetrics(other);
    expect(other.resolve(SyncerMetrics)).not.toBe(metrics);
  });

  it('leaves out process metrics when HEARTBEAT_CONFIG says so', async () => {
    const child = agentContainer();
    registerMetrics(child);
    expect(await child.resolve(SyncerMetrics).metrics()).not.toContain('process_cpu_seconds_total');
    const withProcess = container.createChildContainer();
    registerMetrics(withProcess);
    expect(await withProcess.resolve(SyncerMetrics).metrics()).toContain('process_cpu_seconds_total');
  });
});
