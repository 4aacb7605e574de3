import { DEFAULT_FEATURE_GATES, LEADER_ELECTION, type LeaderElection, parseGvr } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingDownstreamSyncer, recordingModule } from '../../test/support/recording-syncer.js';
import { waitFor } from '../../test/support/wait.js';
import { createAgent } from '../compose.js';
import type { AgentOptions } from '../config/options.js';
import { LEADER_TASKS, type LeaderTask } from '../tokens.js';
import type { AgentModule } from './modules.js';

const CLUSTER = 'root:org';

/** A lease that is won when the test says so. */
class ManualElection implements LeaderElection {
  readonly identity = 'test';
  private win: () => void = () => {};
  private readonly won = new Promise<void>((resolve) => {
    this.win = resolve;
  });
  lead(): void {
    this.win();
  }
  acquire(): Promise<void> {
    return this.won;
  }
  isLeader(): boolean {
    return false;
  }
  onLost(): () => void {
    return () => {};
  }
  async release(): Promise<void> {}
}

class RecordingTask implements LeaderTask {
  readonly name = 'recording';
  readonly calls: string[] = [];
  start(): void {
    this.calls.push('start');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
}

describe('leader tasks (upsync)', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it('start only once the agent leads, and stop with the agent', async () => {
    const upstream: KubeSimulator = await startKubeSimulator({ kcp: { clusters: [CLUSTER] } });
    const downstream = await startKubeSimulator();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    const st = await fetch(`${upstream.url}/clusters/${CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: 'east' },
      }),
    });
    expect(st.status).toBe(201);
    const election = new ManualElection();
    const task = new RecordingTask();
    const module: AgentModule = {
      name: 'test-leader',
      register(container) {
        container.register(LEADER_ELECTION, { useValue: election });
        container.register(LEADER_TASKS, { useValue: task });
      },
    };
    const options: AgentOptions = {
      fromKubeconfig: upstream.kubeconfigPath,
      fromCluster: CLUSTER,
      toKubeconfig: downstream.kubeconfigPath,
      syncTargetName: 'east',
      upstreamMode: 'virtual-workspace',
      resourcesToImport: ['configmaps'],
      resources: [parseGvr('v1/configmaps')],
      apiImportPollIntervalMs: 60_000,
      qps: 1000,
      burst: 1000,
      downstreamNamespaceCleanDelayMs: 1000,
      featureGates: DEFAULT_FEATURE_GATES,
      metricsBindAddress: null,
      healthProbeBindAddress: null,
      workers: 1,
      heartbeatPeriodMs: 200,
      shutdownTimeoutMs: 2000,
      verbosity: 0,
    };
    const agent = await createAgent(options, {
      extraModules: [recordingModule(new RecordingDownstreamSyncer()), module],
    });
    cleanup.push(() => agent.stop());
    const starting = agent.start();
    // A standby keeps its caches warm; the writers wait for the lease.
    await waitFor(() => agent.engine?.getStatus().connected === true, 'the standby engine to sync');
    expect(task.calls).toEqual([]);
    election.lead();
    await starting;
    expect(task.calls).toEqual(['start']);
    await agent.stop();
    expect(task.calls).toEqual(['start', 'stop']);
  });
});
