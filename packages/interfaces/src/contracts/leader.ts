/**
 * Leadership among replicas of one agent (a Lease, as controller-runtime elects). Only the leader writes;
 * a standby keeps its caches warm and takes over once the leader's lease expires.
 */
export interface LeaderElection {
  /** The identity written into the Lease (`<hostname>_<uuid>` by default). */
  readonly identity: string;
  /** Resolves once this replica holds the lease; rejects with the signal's reason when it aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** True while the lease is held and was renewed within the renew deadline. */
  isLeader(): boolean;
  /** Called once, when a held lease is lost: renewals failed past the renew deadline, or another holder took it. */
  onLost(listener: (reason: string) => void): () => void;
  /** Stops campaigning; a held lease is released (holder cleared) so a standby takes over at once. */
  release(): Promise<void>;
}
