import {
  DOWNSTREAM_KUBE_CLIENT,
  EVENT_SYNCER,
  type KubeClient,
  NAMESPACE_LOCATOR_LOOKUP,
  STATUS_EXTRACTOR,
  type StatusExtractor,
  SYNC_TARGET,
  UPSTREAM_KUBE_CLIENT,
  UPSTREAM_STATUS_SYNCER,
} from '@kcp-tmc/interfaces';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { DefaultEventSyncer } from './events/event-syncer.js';
import { extractorFor } from './extractors/index.js';
import { registerUpstream } from './register.js';
import { DefaultUpstreamStatusSyncer } from './status/status-syncer.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

describe('registerUpstream', () => {
  it('binds the status syncer once per container and the default extractors, replaceable by a later one', () => {
    const c = container.createChildContainer();
    c.register(UPSTREAM_KUBE_CLIENT, { useValue: {} as KubeClient });
    c.register(NAMESPACE_LOCATOR_LOOKUP, {
      useValue: { locatorOf: () => undefined, namespaceFor: () => undefined },
    });
    registerUpstream(c, { eventSyncer: false });
    const syncer = c.resolve(UPSTREAM_STATUS_SYNCER);
    expect(syncer).toBeInstanceOf(DefaultUpstreamStatusSyncer);
    expect(c.resolve(UPSTREAM_STATUS_SYNCER)).toBe(syncer);
    const names = c.resolveAll<StatusExtractor>(STATUS_EXTRACTOR).map((e) => e.name);
    expect(names).toEqual(['default', 'workloads', 'jobs', 'services']);

    const mine: StatusExtractor = {
      name: 'mine',
      appliesTo: (gvr) => gvr.resource === 'deployments',
      extract: () => ({}),
      merge: () => ({}),
    };
    c.register(STATUS_EXTRACTOR, { useValue: mine });
    expect(extractorFor(c.resolveAll<StatusExtractor>(STATUS_EXTRACTOR), DEPLOYMENTS)).toBe(mine);
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
