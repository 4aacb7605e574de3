import {
  type EventRequest,
  type KubeClient,
  type Logger,
  type NamespaceLocatorLookup,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { DefaultEventSyncer } from './event-syncer.js';

const ST: SyncTargetRef = { cluster: 'root:org', name: 'east', uid: 'uid-east', key: 'k' };
const EVENTS_KEY = { group: '', version: 'v1', resource: 'events' };

/** A client that answers discovery only, as `served` says, and fails any other call: none may happen. */
function upstreamClient(served: () => Promise<void>) {
  const calls: string[] = [];
  const client = new Proxy({} as KubeClient, {
    get: (_target, method: string) => {
      if (method === 'then') return undefined;
      return async () => {
        calls.push(method);
        if (method === 'mapping') return served();
        throw new Error(`unexpected upstream ${method}`);
      };
    },
  });
  return { client, calls };
}

function recordingLogger() {
  const infos: string[] = [];
  const logger: Logger = {
    error: () => {},
    warn: () => {},
    info: (message) => infos.push(message),
    debug: () => {},
    child: () => logger,
  };
  return { logger, infos };
}

const locators: NamespaceLocatorLookup = { locatorOf: () => undefined, namespaceFor: () => undefined };
const notServed = () =>
  Promise.reject(
    new TmcError({ type: TmcErrorType.NotFound, message: 'the server does not serve v1/events' }),
  );

function request(i: number): EventRequest {
  const key = { cluster: '', gvr: EVENTS_KEY, namespace: 'kcp-abc', name: `e${i}` };
  return {
    item: { key, direction: 'up', action: 'event', retries: 0, queuedAt: 0 },
    event: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `e${i}`, namespace: 'kcp-abc' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'kcp-abc' },
      reason: 'Pulled',
    },
  };
}

// kcp's syncer virtual workspace serves no v1 events (reference/real-kcp/README.md, "Our agent", item 7).
describe('DefaultEventSyncer where the upstream serves no v1 events', () => {
  it('asks discovery once, logs one info message, and skips every Event without an error', async () => {
    const upstream = upstreamClient(notServed);
    const downstream = upstreamClient(notServed);
    const { logger, infos } = recordingLogger();
    const syncer = new DefaultEventSyncer(
      upstream.client,
      downstream.client,
      locators,
      ST,
      {},
      undefined,
      logger,
    );
    const results = await Promise.all([1, 2, 3].map((i) => syncer.syncEvent(request(i))));
    for (const result of results) {
      expect(result).toMatchObject({
        success: true,
        operation: 'noop',
        reason: 'the upstream does not serve v1 events',
      });
    }
    expect(await syncer.syncEvent(request(4))).toMatchObject({ success: true, operation: 'noop' });
    expect(upstream.calls).toEqual(['mapping']);
    expect(downstream.calls).toEqual([]);
    expect(infos).toHaveLength(1);
  });

  it('asks again after a discovery failure that is not an answer', async () => {
    let failing = true;
    const upstream = upstreamClient(() =>
      failing
        ? Promise.reject(new TmcError({ type: TmcErrorType.ClusterUnreachable, message: 'down' }))
        : notServed(),
    );
    const syncer = new DefaultEventSyncer(upstream.client, upstreamClient(notServed).client, locators, ST);
    await expect(syncer.syncEvent(request(1))).rejects.toMatchObject({ type: 'ClusterUnreachable' });
    failing = false;
    expect((await syncer.syncEvent(request(2))).reason).toBe('the upstream does not serve v1 events');
    expect(upstream.calls).toEqual(['mapping', 'mapping']);
  });
});
