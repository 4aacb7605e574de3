import { describe, expect, it } from 'vitest';
import { configmaps, context, deployments } from '../test-support/fixtures.js';
import { RenamesTransformer } from './renames.js';

describe('RenamesTransformer', () => {
  const transformer = new RenamesTransformer();
  const configMap = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'test' },
  });

  it('renames kube-root-ca.crt to kcp-root-ca.crt down, and back up', () => {
    expect(transformer.transform(configMap('kube-root-ca.crt'), context(configmaps)).metadata.name).toBe(
      'kcp-root-ca.crt',
    );
    expect(transformer.transform(configMap('kcp-root-ca.crt'), context(configmaps, 'up')).metadata.name).toBe(
      'kube-root-ca.crt',
    );
  });

  it('leaves other names, and other resources, alone', () => {
    expect(transformer.transform(configMap('settings'), context(configmaps)).metadata.name).toBe('settings');
    expect(
      transformer.transform(configMap('kube-root-ca.crt'), context(configmaps, 'up')).metadata.name,
    ).toBe('kube-root-ca.crt');
    expect(transformer.shouldTransform(configMap('kube-root-ca.crt'), context(deployments))).toBe(false);
  });
});
