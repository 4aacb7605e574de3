import {
  apiVersionOf,
  type ClusterKey,
  clusterKey,
  type FailureReporter,
  type GVR,
  groupResourceString,
  type InformerFactory,
  type InformerOptions,
  type KubeObject,
  type LeaderElection,
  type Logger,
  parseGvr,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import type { GvrSet } from './gvr-set.js';

/** Upper bound of Events per missing resource: one per object, for a namespace's worth of them. */
const MAX_EVENTS_PER_RESOURCE = 100;

/**
 * A resource the SyncTarget accepts but the downstream cluster does not serve (its CRD is missing there): each
 * upstream object of it gets a Warning Event saying so, in kubectl's words for an unknown kind, once per time
 * the resource goes missing. The objects are read by a short-lived upstream informer (the engine runs no
 * controller for a dropped resource), and only by the leader, as every other write.
 */
export class MissingResourceEvents {
  private readonly reported = new Set<string>();

  constructor(
    private readonly upstream: InformerFactory,
    private readonly informerOptions: (gvr: GVR) => InformerOptions,
    private readonly failures: FailureReporter | undefined,
    private readonly leader: LeaderElection | undefined,
    private readonly logger: Logger,
  ) {}

  async report(set: GvrSet, signal: AbortSignal): Promise<void> {
    const missing = Object.entries(set.causes ?? {})
      .filter(([, cause]) => cause === 'NotServed')
      .map(([gvr]) => gvr);
    for (const gvr of this.reported) if (!missing.includes(gvr)) this.reported.delete(gvr);
    if (this.failures === undefined || (this.leader !== undefined && !this.leader.isLeader())) return;
    for (const gvr of missing) {
      if (this.reported.has(gvr)) continue;
      this.reported.add(gvr);
      await this.reportObjects(this.failures, parseGvr(gvr), signal).catch((err: unknown) =>
        this.logger.warn('could not list the objects of a resource missing downstream', {
          gvr,
          error: String(err),
        }),
      );
    }
  }

  private async reportObjects(failures: FailureReporter, gvr: GVR, signal: AbortSignal): Promise<void> {
    const options = this.informerOptions(gvr);
    const informer = this.upstream.informerFor(options);
    informer.start();
    try {
      await informer.waitForSync(signal);
      const objects = informer.list().slice(0, MAX_EVENTS_PER_RESOURCE);
      await Promise.all(
        objects.map((object) =>
          failures.reportGivenUp({
            key: keyOf(gvr, object),
            direction: 'down',
            error: notServed(gvr, object),
            attempts: 1,
            object,
          }),
        ),
      );
    } finally {
      await this.upstream.release(options);
    }
  }
}

function keyOf(gvr: GVR, object: KubeObject): ClusterKey {
  const cluster = object.metadata.annotations?.['kcp.io/cluster'] ?? '';
  return clusterKey(cluster, gvr, object.metadata.namespace ?? '', object.metadata.name ?? '');
}

/** kubectl's "no matches for kind" error, saying where and what to install. */
function notServed(gvr: GVR, object: KubeObject): TmcError {
  const version = apiVersionOf(gvr);
  const resource = groupResourceString(gvr);
  return new TmcError({
    type: TmcErrorType.NotFound,
    message: `no matches for kind "${object.kind ?? ''}" in version "${version}" on the downstream cluster: install the CustomResourceDefinition of ${resource} there`,
  });
}
