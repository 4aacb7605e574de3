import { namespaceLocator, physicalClusterNamespaceName } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { namespaceFor } from './ensure-namespace.js';

// shared/reference/real-kcp/ground-truth/go-syncer/downstream-namespaces.json: the namespace kcp v0.11's Go
// syncer made for upstream namespace `demo`, minus what the downstream server set (uid, resourceVersion,
// creationTimestamp, the kubernetes.io/metadata.name label, spec.finalizers, status).
const SYNC_TARGET = {
  cluster: '1mkf0habviiif6ta',
  name: 'phys',
  uid: '9a5bdde9-8da5-4175-aa87-461557b2c290',
  key: '3lG72ALfFRsncjEk5NtrYjosdJIoQW6x6BreL5',
};
const KCP_NAMESPACE = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    annotations: {
      'kcp.io/namespace-locator':
        '{"syncTarget":{"cluster":"1mkf0habviiif6ta","name":"phys","uid":"9a5bdde9-8da5-4175-aa87-461557b2c290"},"cluster":"1mkf0habviiif6ta","namespace":"demo"}',
    },
    labels: {
      'internal.workload.kcp.io/cluster': '3lG72ALfFRsncjEk5NtrYjosdJIoQW6x6BreL5',
      'kcp.io/tenant-id': '14GSBo32Aq5fnB742ZLXtcpUGPxwY0Tg6wXyIt',
    },
    name: 'kcp-1s60339u6lau',
  },
};

describe('namespaceFor', () => {
  it('is the namespace kcp’s syncer creates: the locator, the ownership and tenant-id labels, nothing else', () => {
    const locator = namespaceLocator('1mkf0habviiif6ta', SYNC_TARGET, 'demo');
    const name = physicalClusterNamespaceName(locator);
    expect(name).toBe('kcp-1s60339u6lau');
    expect(namespaceFor(name, locator, SYNC_TARGET)).toEqual(KCP_NAMESPACE);
  });
});
