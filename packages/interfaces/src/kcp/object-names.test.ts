import { describe, expect, it } from 'vitest';
import { downstreamObjectName } from './object-names.js';

const configmaps = { group: '', resource: 'configmaps' };
const secrets = { group: '', resource: 'secrets' };
const sa = (name: string) => ({ 'kubernetes.io/service-account.name': name });

// kcp: pkg/syncer/spec/spec_process.go `getTransformedName`.
describe('downstreamObjectName', () => {
  it('renames kube-root-ca.crt and the default account’s default-token-* secrets only', () => {
    expect(downstreamObjectName(configmaps, 'kube-root-ca.crt', undefined)).toBe('kcp-root-ca.crt');
    expect(downstreamObjectName(configmaps, 'settings', undefined)).toBe('settings');
    expect(downstreamObjectName(secrets, 'default-token-x9ntq', sa('default'))).toBe(
      'kcp-default-token-x9ntq',
    );
    expect(downstreamObjectName(secrets, 'default-token-x9ntq', sa('web'))).toBe('default-token-x9ntq');
    expect(downstreamObjectName(secrets, 'default-token-x9ntq', undefined)).toBe('default-token-x9ntq');
    expect(downstreamObjectName(secrets, 'kube-root-ca.crt', undefined)).toBe('kube-root-ca.crt');
    expect(downstreamObjectName({ group: 'x', resource: 'configmaps' }, 'kube-root-ca.crt', undefined)).toBe(
      'kube-root-ca.crt',
    );
  });
});
