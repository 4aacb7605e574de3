import { LEADER_ELECTION, type LeaderElection } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SYNC_TARGET_CLUSTER as CLUSTER,
  IMPORT_CONFIGMAPS,
  postSyncTarget,
  simulatorAgentOptions,
} from '../../test/support/agent-options.js';
import { RecordingDownstreamSyncer, recordingModule } from '../../test/support/recording-syncer.js';
import { waitFor } from '../../test/support/wait.js';
import { createAgent } from '../compose.js';
import { LEADER_TASKS, type LeaderTask } from '../tokens.js';
import type { AgentModule } from './modules.js';

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
    await postSyncTarget(upstream);
    const election = new ManualElection();
    const task = new RecordingTask();
    const module: AgentModule = {
      name: 'test-leader',
      register(container) {
        container.register(LEADER_ELECTION, { useValue: election });
        container.register(LEADER_TASKS, { useValue: task });
      },
    };
    const options = simulatorAgentOptions(upstream, downstream, { ...IMPORT_CONFIGMAPS, workers: 1 });
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
