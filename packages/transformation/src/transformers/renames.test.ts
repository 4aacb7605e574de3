import { describe, expect, it } from 'vitest';
import { configmaps, context, deployments, secrets } from '../../test/support/fixtures.js';
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

  // kcp: pkg/syncer/spec/spec_process.go `getTransformedName`.
  it('renames default-token-* secrets of the default service account only, and back up', () => {
    const token = (name: string, serviceAccount: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace: 'test',
        annotations: { 'kubernetes.io/service-account.name': serviceAccount },
      },
    });
    expect(
      transformer.transform(token('default-token-x9ntq', 'default'), context(secrets)).metadata.name,
    ).toBe('kcp-default-token-x9ntq');
    expect(transformer.transform(token('default-token-x9ntq', 'web'), context(secrets)).metadata.name).toBe(
      'default-token-x9ntq',
    );
    expect(transformer.transform(token('mytoken', 'default'), context(secrets)).metadata.name).toBe(
      'mytoken',
    );
    expect(
      transformer.transform({ metadata: { name: 'kcp-default-token-x9ntq' } }, context(secrets, 'up'))
        .metadata.name,
    ).toBe('default-token-x9ntq');
  });
});
