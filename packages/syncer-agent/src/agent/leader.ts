import { createHash } from 'node:crypto';
import {
  CLOCK,
  type Clock,
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  LEADER_ELECTION,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { LeaseElector } from '@kcp-tmc/kube';
import { instanceCachingFactory } from 'tsyringe';
import type { AgentModule } from './modules.js';
import { AgentStartError } from './upstream-access.js';

/**
 * The Lease every replica of one SyncTarget's agent competes for: `kcp-tmc-<SyncTarget>-<hash of its key>`,
 * a valid object name however the SyncTarget is named (the key itself is mixed-case base62).
 */
export function leaseName(ref: Pick<SyncTargetRef, 'name' | 'key'>): string {
  const hash = createHash('sha256').update(ref.key).digest('hex').slice(0, 8);
  const name = ref.name.slice(0, 63 - 'kcp-tmc-'.length - 9).replace(/[.-]+$/, '');
  return `kcp-tmc-${name}-${hash}`;
}

/** LEADER_ELECTION on a downstream Lease, when `--leader-elect` is on. */
export const leaderElectionModule: AgentModule = {
  name: 'leader-election',
  register(container, { options, ref, logger }) {
    const election = options.leaderElection;
    if (election === undefined) return;
    const namespace = election.namespace ?? options.syncerNamespace;
    if (namespace === undefined) {
      throw new AgentStartError(
        '--leader-elect needs the Lease namespace: set --leader-elect-resource-namespace or the NAMESPACE env',
      );
    }
    const name = election.name ?? leaseName(ref);
    container.register(LEADER_ELECTION, {
      useFactory: instanceCachingFactory(
        (c) =>
          new LeaseElector({
            client: c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
            namespace,
            name,
            leaseDurationMs: election.leaseDurationMs,
            renewDeadlineMs: election.renewDeadlineMs,
            retryPeriodMs: election.retryPeriodMs,
            clock: c.resolve<Clock>(CLOCK),
            logger,
          }),
      ),
    });
  },
};
