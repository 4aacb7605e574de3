import { describe, expect, it } from 'vitest';
import {
  clusterKey,
  clusterKeyEquals,
  decodeClusterKey,
  decodeQueueKey,
  encodeClusterKey,
  encodeQueueKey,
} from './cluster-key.js';
import { gvr } from './gvr.js';

const deployments = gvr('apps', 'v1', 'deployments');
const configmaps = gvr('', 'v1', 'configmaps');

describe('ClusterKey', () => {
  it('encodes every part, in a fixed order', () => {
    expect(encodeClusterKey(clusterKey('root:org:ws', deployments, 'default', 'web'))).toBe(
      'root:org:ws/apps/v1/deployments/default/web',
    );
    expect(encodeClusterKey(clusterKey('2x8f', configmaps, 'ns', 'cm'))).toBe('2x8f//v1/configmaps/ns/cm');
  });

  it.each([
    clusterKey('root:org:ws', deployments, 'default', 'web'),
    clusterKey('root', configmaps, 'kube-public', 'cluster-info'),
    clusterKey(
      'root:a',
      gvr('rbac.authorization.k8s.io', 'v1', 'clusterroles'),
      '',
      'system:aggregate-to-view',
    ),
    clusterKey('plain', gvr('', 'v1', 'namespaces'), '', 'default'),
  ])('round-trips %j', (key) => {
    const encoded = encodeClusterKey(key);
    expect(decodeClusterKey(encoded)).toEqual(key);
    expect(clusterKeyEquals(decodeClusterKey(encoded), key)).toBe(true);
  });

  it('keeps same-named objects of different logical clusters apart', () => {
    const a = clusterKey('root:a', deployments, 'default', 'web');
    const b = clusterKey('root:b', deployments, 'default', 'web');
    expect(encodeClusterKey(a)).not.toBe(encodeClusterKey(b));
    expect(clusterKeyEquals(a, b)).toBe(false);
  });

  it('refuses parts that contain the separator', () => {
    expect(() => encodeClusterKey(clusterKey('root', deployments, 'ns', 'a/b'))).toThrow(/contains "\/"/);
  });

  it.each([
    '',
    'a/b/c',
    'root/apps/v1/deployments/ns/name/extra',
    '/apps/v1/deployments/ns/name',
    'root//v1//ns/',
  ])('rejects malformed key "%s"', (encoded) => {
    expect(() => decodeClusterKey(encoded)).toThrow(/invalid cluster key/);
  });
});

describe('queue key', () => {
  it('prefixes the direction and round-trips', () => {
    const key = clusterKey('root:org', deployments, 'default', 'web');
    expect(encodeQueueKey('down', key)).toBe('down|root:org/apps/v1/deployments/default/web');
    expect(decodeQueueKey(encodeQueueKey('up', key))).toEqual({ direction: 'up', key });
  });

  it.each(['sideways|root/apps/v1/deployments/ns/n', 'root/apps/v1/deployments/ns/n', 'down|x'])(
    'rejects "%s"',
    (encoded) => {
      expect(() => decodeQueueKey(encoded)).toThrow(/invalid (queue|cluster) key/);
    },
  );
});
