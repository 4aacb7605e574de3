import {
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  type NamespaceLocator,
  type NamespaceLocatorLookup,
  namespaceLocator,
  namespaceLocatorToJson,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import {
  configmaps,
  context,
  KCP_TEST_NAMESPACE,
  KCP_TEST_TENANT_ID,
  namespaces,
  persistentvolumes,
  syncTarget,
  UPSTREAM_CLUSTER,
} from '../../test/support/fixtures.js';
import { NamespaceLocatorIndex } from '../namespace-index.js';
import { NamespaceTransformer } from './namespace.js';

// kcp's own spec syncer test locator (tmc: pkg/syncer/spec/spec_process_test.go), verbatim.
const KCP_TEST_LOCATOR_JSON =
  '{"syncTarget":{"cluster":"root:org:ws","name":"us-west1","uid":"syncTargetUID"},"cluster":"root:org:ws","namespace":"test"}';

const configMap = (namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace },
});

function downstreamNamespace(name: string, locator?: NamespaceLocator): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      ...(locator === undefined
        ? {}
        : { annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locator) } }),
    },
  };
}

const locatorFor = (namespace: string) => namespaceLocator(UPSTREAM_CLUSTER, syncTarget, namespace);

describe('NamespaceTransformer down', () => {
  it("moves a namespaced object to kcp's hashed namespace (kcp's own test vector)", async () => {
    const out = await new NamespaceTransformer().transform(configMap('test'), context(configmaps));
    expect(out).toMatchObject({ metadata: { namespace: KCP_TEST_NAMESPACE } });
  });

  it('uses readable names when configured', async () => {
    const transformer = new NamespaceTransformer({ namespaceNaming: 'readable' });
    const out = await transformer.transform(configMap('test'), context(configmaps));
    expect(out).toMatchObject({ metadata: { namespace: 'kcp-root-org-ws-test' } });
  });

  it('prefers the namespace that already carries the locator', async () => {
    const index = new NamespaceLocatorIndex();
    index.upsert(downstreamNamespace('kcp-adopted', locatorFor('test')));
    const out = await new NamespaceTransformer(undefined, index).transform(
      configMap('test'),
      context(configmaps),
    );
    expect(out).toMatchObject({ metadata: { namespace: 'kcp-adopted' } });
  });

  // kcp's spec controller ignores Namespaces (pkg/syncer/spec/spec_controller.go): a downstream namespace is
  // made, by the downstream syncer, for the first object synced into it (an empty upstream one gets none).
  it('skips upstream Namespaces: the downstream syncer makes kcp’s namespace for the objects synced into it', async () => {
    const upstream: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } };
    const out = await new NamespaceTransformer().transform(upstream, context(namespaces, 'down', '', 'test'));
    expect(out).toEqual({
      skip: true,
      reason: 'namespace test: downstream namespaces are made for the objects synced into them',
    });
    // The locator those objects' namespace carries is kcp's, byte for byte.
    expect(namespaceLocatorToJson(locatorFor('test'))).toBe(KCP_TEST_LOCATOR_JSON);
  });

  it('gives other cluster-scoped objects the locator with an empty namespace', async () => {
    const pv: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' } };
    const out = await new NamespaceTransformer().transform(
      pv,
      context(persistentvolumes, 'down', '', 'pv-1'),
    );
    expect(out).toMatchObject({
      metadata: {
        name: 'pv-1',
        annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locatorFor('')) },
      },
    });
    expect(out).not.toHaveProperty('metadata.namespace');
  });

  it('skips kube-system and the other never-synced namespaces', async () => {
    const out = await new NamespaceTransformer().transform(
      configMap('kube-system'),
      context(configmaps, 'down', 'kube-system'),
    );
    expect(out).toEqual({ skip: true, reason: 'namespace kube-system is never synced' });
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-public' } };
    expect(
      await new NamespaceTransformer().transform(ns, context(namespaces, 'down', '', 'kube-public')),
    ).toMatchObject({
      skip: true,
    });
  });

  it('reports a namespace collision from the lookup', async () => {
    const index = new NamespaceLocatorIndex();
    index.upsert(downstreamNamespace('kcp-a', locatorFor('test')));
    index.upsert(downstreamNamespace('kcp-b', locatorFor('test')));
    const failure = new NamespaceTransformer(undefined, index).transform(
      configMap('test'),
      context(configmaps),
    );
    await expect(failure).rejects.toMatchObject({ type: TmcErrorType.ResourceConflict, retryable: true });
    // kcp's text (pkg/syncer/spec/spec_process.go).
    await expect(failure).rejects.toThrow(
      '(namespace collision) found multiple downstream namespaces: kcp-a,kcp-b for upstream namespace',
    );
  });
});

describe('NamespaceTransformer up', () => {
  const index = new NamespaceLocatorIndex();
  index.upsert(downstreamNamespace(KCP_TEST_NAMESPACE, locatorFor('test')));
  index.upsert(
    downstreamNamespace(
      'kcp-foreign',
      namespaceLocator(UPSTREAM_CLUSTER, { ...syncTarget, uid: 'other-uid' }, 'x'),
    ),
  );
  index.upsert(downstreamNamespace('unrelated'));
  const transformer = new NamespaceTransformer(undefined, index);

  it('maps a namespaced object back through the locator of its downstream namespace', async () => {
    const out = await transformer.transform(configMap(KCP_TEST_NAMESPACE), context(configmaps, 'up'));
    expect(out).toEqual({
      ...configMap('test'),
      metadata: { name: 'settings', namespace: 'test', annotations: { 'kcp.io/cluster': UPSTREAM_CLUSTER } },
    });
  });

  it('never parses names: a kcp-looking namespace without a locator is skipped', async () => {
    expect(await transformer.transform(configMap('kcp-33jbiactwhg1'), context(configmaps, 'up'))).toEqual({
      skip: true,
      reason: 'namespace kcp-33jbiactwhg1 has no namespace locator',
    });
    expect(await transformer.transform(configMap('unrelated'), context(configmaps, 'up'))).toMatchObject({
      skip: true,
    });
  });

  it("skips objects in another SyncTarget's namespace", async () => {
    const out = await transformer.transform(configMap('kcp-foreign'), context(configmaps, 'up'));
    expect(out).toEqual({
      skip: true,
      reason: 'namespace kcp-foreign belongs to SyncTarget root:org:ws:us-west1',
    });
  });

  it('maps a Namespace and a cluster-scoped object back through their own locator annotation', async () => {
    const ns = downstreamNamespace(KCP_TEST_NAMESPACE, locatorFor('test'));
    ns.metadata.labels = { 'kcp.io/tenant-id': KCP_TEST_TENANT_ID };
    const out = await new NamespaceTransformer().transform(ns, context(namespaces, 'up', '', 'test'));
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'test',
        annotations: { 'kcp.io/cluster': UPSTREAM_CLUSTER },
        labels: ns.metadata.labels,
      },
    });
    const pv: KubeObject = {
      kind: 'PersistentVolume',
      metadata: {
        name: 'pv-1',
        annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locatorFor('')) },
      },
    };
    expect(
      await new NamespaceTransformer().transform(pv, context(persistentvolumes, 'up', '', 'pv-1')),
    ).toEqual({
      kind: 'PersistentVolume',
      metadata: { name: 'pv-1', annotations: { 'kcp.io/cluster': UPSTREAM_CLUSTER } },
    });
  });

  it('fails clearly without a lookup for namespaced objects, and on an invalid locator', async () => {
    await expect(
      new NamespaceTransformer().transform(configMap(KCP_TEST_NAMESPACE), context(configmaps, 'up')),
    ).rejects.toMatchObject({
      type: TmcErrorType.TransformFailed,
    });
    const pv: KubeObject = {
      kind: 'PersistentVolume',
      metadata: { name: 'pv', annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: '{"x":1}' } },
    };
    await expect(
      new NamespaceTransformer().transform(pv, context(persistentvolumes, 'up', '', 'pv')),
    ).rejects.toMatchObject({
      type: TmcErrorType.Invalid,
    });
  });

  it('awaits asynchronous lookups', async () => {
    const lookup: NamespaceLocatorLookup = {
      locatorOf: async (name) => (name === 'kcp-async' ? locatorFor('async-ns') : undefined),
      namespaceFor: async () => 'kcp-async',
    };
    const async = new NamespaceTransformer(undefined, lookup);
    expect(await async.transform(configMap('kcp-async'), context(configmaps, 'up'))).toMatchObject({
      metadata: { namespace: 'async-ns' },
    });
    expect(await async.transform(configMap('test'), context(configmaps))).toMatchObject({
      metadata: { namespace: 'kcp-async' },
    });
  });
});
