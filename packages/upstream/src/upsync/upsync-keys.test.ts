import {
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  type SyncTargetRef,
  stateLabel,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { isUpsynced, statusChanged, UPSYNCED_RESOURCES, upsyncKeyFor } from './upsync-keys.js';

const TARGET: SyncTargetRef = {
  cluster: 'root:org',
  name: 'phys',
  uid: 'st-uid',
  key: toSyncTargetKey('root:org', 'phys'),
};
const [PODS, PVS] = UPSYNCED_RESOURCES as [(typeof UPSYNCED_RESOURCES)[0], (typeof UPSYNCED_RESOURCES)[0]];
const locatorJson = (target: SyncTargetRef, namespace = 'demo') =>
  namespaceLocatorToJson(namespaceLocator('root:org:ws', target, namespace));
const ns = (name: string, json?: string): KubeObject => ({
  metadata: {
    name,
    ...(json === undefined ? {} : { annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: json } }),
  },
});

// kcp: pkg/syncer/upsync/upsync_controller.go (enqueueDownstream, the event handlers' label and status checks).
describe('upsync keys', () => {
  const namespaces = new Map([
    ['kcp-a', ns('kcp-a', locatorJson(TARGET))],
    ['kcp-other', ns('kcp-other', locatorJson({ ...TARGET, uid: 'another-uid' }))],
    ['plain', ns('plain')],
  ]);
  const namespaceOf = (name: string) => namespaces.get(name);
  const pod = (namespace: string): KubeObject => ({ metadata: { name: 'web-1', namespace } });

  it('maps a downstream pod to the upstream namespace and workspace of its namespace’s locator', () => {
    expect(upsyncKeyFor(PODS, pod('kcp-a'), namespaceOf, TARGET)).toEqual({
      gvr: PODS,
      cluster: 'root:org:ws',
      namespace: 'demo',
      name: 'web-1',
    });
  });

  it('reads a cluster-scoped object’s own locator (persistent volumes)', () => {
    const pv: KubeObject = {
      metadata: { name: 'pv-1', annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: locatorJson(TARGET, '') } },
    };
    expect(upsyncKeyFor(PVS, pv, namespaceOf, TARGET)).toMatchObject({
      cluster: 'root:org:ws',
      namespace: '',
      name: 'pv-1',
    });
  });

  it('ignores objects of namespaces without a locator, of another SyncTarget, or of a namespace gone', () => {
    expect(upsyncKeyFor(PODS, pod('plain'), namespaceOf, TARGET)).toBeUndefined();
    expect(upsyncKeyFor(PODS, pod('kcp-other'), namespaceOf, TARGET)).toBeUndefined();
    expect(upsyncKeyFor(PODS, pod('gone'), namespaceOf, TARGET)).toBeUndefined();
  });

  it('upsyncs only objects labelled Upsync for this SyncTarget', () => {
    expect(isUpsynced({ metadata: { labels: { [stateLabel(TARGET.key)]: 'Upsync' } } }, TARGET)).toBe(true);
    expect(isUpsynced({ metadata: { labels: { [stateLabel(TARGET.key)]: 'Sync' } } }, TARGET)).toBe(false);
    expect(isUpsynced({ metadata: { labels: { [stateLabel('other')]: 'Upsync' } } }, TARGET)).toBe(false);
  });

  it('writes the status up on add with a status, on a status change, never on delete', () => {
    const running = { metadata: {}, status: { phase: 'Running' } };
    expect(statusChanged('add', running)).toBe(true);
    expect(statusChanged('add', { metadata: {} })).toBe(false);
    expect(statusChanged('update', running, running)).toBe(false);
    expect(statusChanged('update', running, { metadata: {}, status: { phase: 'Pending' } })).toBe(true);
    expect(statusChanged('delete', running)).toBe(false);
  });
});
