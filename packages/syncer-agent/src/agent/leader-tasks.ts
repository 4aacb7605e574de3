import type { DependencyContainer } from 'tsyringe';
import { LEADER_TASKS, type LeaderTask } from '../tokens.js';

/** Every registered {@link LeaderTask} (the container caches each, so start and stop reach the same ones). */
export function leaderTasks(container: DependencyContainer): LeaderTask[] {
  return container.isRegistered(LEADER_TASKS, true) ? container.resolveAll<LeaderTask>(LEADER_TASKS) : [];
}

/** Starts the leader-only tasks: called once the agent leads (or at once without leader election). */
export function startLeaderTasks(container: DependencyContainer): void {
  for (const task of leaderTasks(container)) task.start();
}

/** Stops them all together; a failing one does not keep the others running. */
export async function stopLeaderTasks(container: DependencyContainer): Promise<void> {
  const results = await Promise.allSettled(leaderTasks(container).map((task) => task.stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
