import {
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  UPSTREAM_KUBE_CLIENT,
  upsyncerVirtualWorkspaceUrl,
} from '@kcp-tmc/interfaces';
import { registerKube } from '@kcp-tmc/kube';
import { instanceCachingFactory } from 'tsyringe';
import { LEADER_TASKS, type LeaderTask } from '../tokens.js';
import type { AgentModule } from './modules.js';
import { kubeconfigSource, upstreamSide } from './upstream-access.js';
import { UpsyncRunner } from './upsync-runner.js';

/** kcp's discovering informer factory looks for new resources on this order of period. */
const UPSYNC_DISCOVERY_POLL_MS = 5_000;

/**
 * kcp's upsyncer (pods and persistent volumes created downstream, copied up): in virtual-workspace mode, through
 * the upsyncer virtual workspace kcp publishes beside the syncer's (`status.virtualWorkspaces[0].upsyncerURL`,
 * read at start as kcp's syncer reads it, pkg/syncer/syncer.go). It writes upstream, so it runs as a leader task.
 * kcp's syncer has no upsync without that virtual workspace: the other upstream modes have none.
 */
export const upsyncModule: AgentModule = {
  name: 'upsync',
  register(container, { options, syncTarget, ref, logger }) {
    if (options.upstreamMode !== 'virtual-workspace') return;
    const url = upsyncerVirtualWorkspaceUrl(syncTarget);
    if (url === undefined) {
      logger.warn('the SyncTarget publishes no upsyncer virtual workspace URL: upsync disabled');
      return;
    }
    container.register<LeaderTask>(LEADER_TASKS, {
      useFactory: instanceCachingFactory((c) => {
        const sides = c.createChildContainer();
        const registration = registerKube(sides, {
          // The virtual workspace serves discovery below /clusters/*, as the syncer's does.
          upstream: { ...upstreamSide(options), connection: { server: url }, discovery: { cluster: '*' } },
          // Never resolved: the upsyncer reads the downstream through the agent's own client.
          downstream: { kubeconfig: kubeconfigSource(options.toKubeconfig, options.toContext) },
        });
        const runner = new UpsyncRunner({
          upstream: sides.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT),
          downstream: c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
          syncTarget: ref,
          logger,
          pollIntervalMs: UPSYNC_DISCOVERY_POLL_MS,
          close: () => registration.close(),
        });
        return { name: 'upsync', start: () => runner.start(), stop: () => runner.stop() };
      }),
    });
  },
};
