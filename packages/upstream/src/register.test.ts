import {
  DOWNSTREAM_KUBE_CLIENT,
  EVENT_SYNCER,
  type KubeClient,
  NAMESPACE_LOCATOR_LOOKUP,
  STATUS_EXTRACTOR,
  SYNC_TARGET,
  UPSTREAM_KUBE_CLIENT,
  UPSTREAM_STATUS_SYNCER,
} from '@kcp-tmc/interfaces';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { DefaultEventSyncer } from './events/event-syncer.js';
import { registerUpstream } from './register.js';
import { DefaultUpstreamStatusSyncer } from './status/status-syncer.js';

describe('registerUpstream', () => {
  it('binds the status syncer once per container, and no status extractor', () => {
    const c = container.createChildContainer();
    c.register(UPSTREAM_KUBE_CLIENT, { useValue: {} as KubeClient });
    c.register(NAMESPACE_LOCATOR_LOOKUP, {
      useValue: { locatorOf: () => undefined, namespaceFor: () => undefined },
    });
    registerUpstream(c, { eventSyncer: false });
    const syncer = c.resolve(UPSTREAM_STATUS_SYNCER);
    expect(syncer).toBeInstanceOf(DefaultUpstreamStatusSyncer);
    expect(c.resolve(UPSTREAM_STATUS_SYNCER)).toBe(syncer);
    // kcp's status syncer copies .status verbatim (pkg/syncer/status/status_process.go): nothing to extract.
    expect(c.isRegistered(STATUS_EXTRACTOR, true)).toBe(false);
  });

  it('binds the event syncer unless told not to', () => {
    const c = container.createChildContainer();
    c.register(UPSTREAM_KUBE_CLIENT, { useValue: {} as KubeClient });
    c.register(DOWNSTREAM_KUBE_CLIENT, { useValue: {} as KubeClient });
    c.register(SYNC_TARGET, { useValue: { cluster: 'root', name: 'east', uid: 'u', key: 'k' } });
    c.register(NAMESPACE_LOCATOR_LOOKUP, {
      useValue: { locatorOf: () => undefined, namespaceFor: () => undefined },
    });
    registerUpstream(c);
    expect(c.resolve(EVENT_SYNCER)).toBeInstanceOf(DefaultEventSyncer);
    expect(c.resolve(EVENT_SYNCER)).toBe(c.resolve(EVENT_SYNCER));
    const without = container.createChildContainer();
    registerUpstream(without, { eventSyncer: false });
    expect(without.isRegistered(EVENT_SYNCER, true)).toBe(false);
  });
});
