import {
  EVENT_SYNCER,
  STATUS_EXTRACTOR,
  type StatusExtractor,
  UPSTREAM_STATUS_SYNCER,
} from '@kcp-tmc/interfaces';
import { type ClassProvider, type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { DefaultEventSyncer } from './events/event-syncer.js';
import { DefaultStatusExtractor } from './extractors/default.js';
import { JobStatusExtractor } from './extractors/job.js';
import { ServiceStatusExtractor } from './extractors/service.js';
import { WorkloadStatusExtractor } from './extractors/workloads.js';
import type { UpstreamOptions } from './options.js';
import { DefaultUpstreamStatusSyncer } from './status/status-syncer.js';
import { UPSTREAM_OPTIONS } from './tokens.js';

/** The default extractors in registration order (the fallback first). */
export const DEFAULT_STATUS_EXTRACTORS: ReadonlyArray<ClassProvider<StatusExtractor>['useClass']> = [
  DefaultStatusExtractor,
  WorkloadStatusExtractor,
  JobStatusExtractor,
  ServiceStatusExtractor,
];

export interface RegisterUpstreamOptions extends UpstreamOptions {
  /** Bind the default extractors to STATUS_EXTRACTOR (default true). */
  readonly extractors?: boolean;
  /** Bind EVENT_SYNCER (default true; needs DOWNSTREAM_KUBE_CLIENT and SYNC_TARGET). */
  readonly eventSyncer?: boolean;
}

/**
 * Binds UPSTREAM_STATUS_SYNCER, the default STATUS_EXTRACTORs (default first, then the kind families: the
 * last registered extractor that applies to a GVR wins, so one registered after this call replaces a default)
 * UPSTREAM_OPTIONS and EVENT_SYNCER (one per container: it holds the rate limit and the counts). Needs
 * UPSTREAM_KUBE_CLIENT and NAMESPACE_LOCATOR_LOOKUP (registerEngine binds one); the event syncer also
 * DOWNSTREAM_KUBE_CLIENT and SYNC_TARGET.
 */
export function registerUpstream(
  container: DependencyContainer,
  options: RegisterUpstreamOptions = {},
): void {
  const { extractors = true, eventSyncer = true, ...upstreamOptions } = options;
  container.register<UpstreamOptions>(UPSTREAM_OPTIONS, { useValue: Object.freeze(upstreamOptions) });
  if (extractors) {
    for (const extractor of DEFAULT_STATUS_EXTRACTORS) {
      container.register(STATUS_EXTRACTOR, { useClass: extractor });
    }
  }
  container.register(UPSTREAM_STATUS_SYNCER, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(DefaultUpstreamStatusSyncer)),
  });
  if (eventSyncer) {
    container.register(EVENT_SYNCER, {
      useFactory: instancePerContainerCachingFactory((c) => c.resolve(DefaultEventSyncer)),
    });
  }
}
