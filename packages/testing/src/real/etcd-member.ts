import type { ControlPlaneProcess } from './process.js';
import type { ProcessGroup } from './process-group.js';

/**
 * The etcd of one kube-apiserver. It can be killed and started again on the same data directory and ports (a
 * chaos test's etcd restart); the group follows the replacement so that stopping and exit cleanup reach the
 * etcd running now.
 */
export class EtcdMember {
  private current: ControlPlaneProcess;

  constructor(
    private readonly launch: () => ControlPlaneProcess,
    private readonly group: ProcessGroup,
  ) {
    this.current = group.add(launch());
  }

  get process(): ControlPlaneProcess {
    return this.current;
  }

  kill(): Promise<void> {
    return this.current.kill('SIGKILL');
  }

  /** kill -9 if it still runs, then a new etcd on the same data; the caller waits for it to be healthy. */
  async restart(): Promise<void> {
    const old = this.current;
    await old.kill('SIGKILL');
    this.current = this.group.replace(old, this.launch());
  }
}
