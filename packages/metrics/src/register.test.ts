import { SYNC_METRICS, WORKQUEUE_METRICS_PROVIDER } from '@kcp-tmc/interfaces';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { registerMetrics } from './register.js';
import { SyncerMetrics } from './registry.js';

function agentContainer() {
  const child = container.createChildContainer();
  registerMetrics(child, { config: { processMetrics: false } });
  return child;
}

describe('registerMetrics', () => {
  it('binds one metrics instance to both metric tokens and its class', () => {
    const child = agentContainer();
    const metrics = child.resolve(SyncerMetrics);
    expect(child.resolve(SYNC_METRICS)).toBe(metrics);
    expect(child.resolve(WORKQUEUE_METRICS_PROVIDER)).toBe(metrics);
    // Two agents in one process never share metrics.
    const other = agentContainer();
    expect(other.resolve(SyncerMetrics)).not.toBe(metrics);
  });

  it('leaves out process metrics when its config says so', async () => {
    const child = agentContainer();
    expect(await child.resolve(SyncerMetrics).metrics()).not.toContain('process_cpu_seconds_total');
    const withProcess = container.createChildContainer();
    registerMetrics(withProcess);
    expect(await withProcess.resolve(SyncerMetrics).metrics()).toContain('process_cpu_seconds_total');
  });
});
