import { EVENT_SYNCER, UPSTREAM_STATUS_SYNCER } from '@kcp-tmc/interfaces';
import { type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { DefaultEventSyncer } from './events/event-syncer.js';
import type { UpstreamOptions } from './options.js';
import { DefaultUpstreamStatusSyncer } from './status/status-syncer.js';
import { UPSTREAM_OPTIONS } from './tokens.js';

export interface RegisterUpstreamOptions extends UpstreamOptions {
  /** Bind EVENT_SYNCER (default true; needs DOWNSTREAM_KUBE_CLIENT and SYNC_TARGET). */
  readonly eventSyncer?: boolean;
}

/**
 * Binds UPSTREAM_STATUS_SYNCER, UPSTREAM_OPTIONS and EVENT_SYNCER (one per container: it holds the rate limit,
 * the counts and what the upstream serves). Needs UPSTREAM_KUBE_CLIENT and NAMESPACE_LOCATOR_LOOKUP
 * (registerEngine binds one); the event syncer also DOWNSTREAM_KUBE_CLIENT and SYNC_TARGET.
 */
export function registerUpstream(
  container: DependencyContainer,
  options: RegisterUpstreamOptions = {},
): void {
  const { eventSyncer = true, ...upstreamOptions } = options;
  container.register<UpstreamOptions>(UPSTREAM_OPTIONS, { useValue: Object.freeze(upstreamOptions) });
  container.register(UPSTREAM_STATUS_SYNCER, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(DefaultUpstreamStatusSyncer)),
  });
  if (eventSyncer) {
    container.register(EVENT_SYNCER, {
      useFactory: instancePerContainerCachingFactory((c) => c.resolve(DefaultEventSyncer)),
    });
  }
}
