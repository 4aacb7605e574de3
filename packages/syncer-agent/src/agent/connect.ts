import {
  DOWNSTREAM_KUBE_CLIENT,
  type InformerFactory,
  type KubeClient,
  LOGGER,
  type Logger,
  SYNC_TARGET,
  type SyncTarget,
  type SyncTargetRef,
  syncTargetRefOf,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { DeniedAccessLog, type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import type { DependencyContainer } from 'tsyringe';
import { type AgentOptions, transportLimits } from '../config/options.js';
import { kcpSyncerRbacHint } from './kcp-rbac.js';
import { resolveSyncTarget, type SyncTargetWait } from './sync-target-wait.js';
import { kubeconfigSource, loadSideKubeconfig, upstreamSide } from './upstream-access.js';

// kcp's own informers for SyncTargets and heartbeats stay responsive under the workers' load.
const SYNC_TARGET_CLIENT_QPS = { qps: 0 };

/** What start-up learned upstream, and the kube stacks it registered (closed when the agent stops). */
export interface Connected {
  readonly syncTarget: SyncTarget;
  readonly ref: SyncTargetRef;
  /** A client of its own for heartbeats and the SyncTarget (the workers' rate limiter never delays it). */
  readonly syncTargetClient: KubeClient;
  /**
   * A downstream client of its own (its own rate limiter, the same limits) for the engine's rounds each minute
   * (access reviews, API-import discovery: tens of requests at once that would hold the workers' writes back).
   */
  readonly sideDownstreamClient: KubeClient;
  readonly syncTargetInformers: InformerFactory;
}

/**
 * Reads the SyncTarget through a client of its own (in `parent`'s child container `admin`), then registers
 * both sides' kube stacks in `container`: in virtual-workspace mode the upstream is the syncer virtual
 * workspace the SyncTarget publishes. Each registration is pushed to `registrations` as soon as it exists, so
 * a failure part way leaves nothing open once the caller closes them.
 */
export async function connect(
  parent: DependencyContainer,
  container: DependencyContainer,
  options: AgentOptions,
  wait: SyncTargetWait,
  registrations: KubeRegistration[],
): Promise<Connected> {
  const logger = container.resolve<Logger>(LOGGER);
  const downstream = {
    kubeconfig: kubeconfigSource(options.toKubeconfig, options.toContext),
    transport: transportLimits(options),
    // One log per side for both registrations below: each refusal is logged once.
    deniedAccessLog: new DeniedAccessLog('downstream', logger),
  };
  const upstreamDenials = new DeniedAccessLog(
    'upstream',
    logger,
    options.upstreamMode === 'plain' ? undefined : kcpSyncerRbacHint(options.syncTargetName),
  );
  // Load both kubeconfigs now: a missing file or context is a start error naming the flag, not a stack trace.
  loadSideKubeconfig('--from-kubeconfig', options.fromKubeconfig, options.fromContext);
  loadSideKubeconfig('--to-kubeconfig', options.toKubeconfig, options.toContext);
  // The SyncTarget's own side: heartbeats, conditions, and (virtual-workspace mode) the SyncTarget informer.
  const admin = parent.createChildContainer();
  admin.register(LOGGER, { useValue: logger });
  const syncTargetSide = upstreamSide(options, {
    transport: SYNC_TARGET_CLIENT_QPS,
    deniedAccessLog: upstreamDenials,
  });
  registrations.push(registerKube(admin, { upstream: syncTargetSide, downstream }));
  const syncTargetClient = admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const resolved = await resolveSyncTarget(syncTargetClient, options, logger, wait);
  const ref = syncTargetRefOf(resolved.cluster, resolved.syncTarget);
  container.register(SYNC_TARGET, { useValue: ref });

  let upstream = upstreamSide(options, { deniedAccessLog: upstreamDenials });
  if (resolved.syncerURL !== undefined) {
    // The virtual workspace serves discovery below /clusters/*, as kcp's does.
    upstream = { ...upstream, connection: { server: resolved.syncerURL }, discovery: { cluster: '*' } };
  }
  registrations.push(registerKube(container, { upstream, downstream }));
  const informersFrom = options.upstreamMode === 'virtual-workspace' ? admin : container;
  return {
    syncTarget: resolved.syncTarget,
    ref,
    syncTargetClient,
    sideDownstreamClient: admin.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
    syncTargetInformers: informersFrom.resolve<InformerFactory>(UPSTREAM_INFORMER_FACTORY),
  };
}
