import { describe, expect, it } from 'vitest';
import { adminCredentialsOf } from './kcp.js';

const written = `apiVersion: v1
kind: Config
clusters:
- name: root
  cluster:
    server: https://127.0.0.1:6443/clusters/root
    certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}
users:
- name: kcp-admin
  user:
    token: admin-token
`;

describe("reading kcp's admin.kubeconfig", () => {
  it('gives the token and CA once written, and nothing while kcp is still writing it', () => {
    expect(adminCredentialsOf(written)).toEqual({ token: 'admin-token', caCertPem: 'CA PEM' });
    // Created and empty (YAML null), cut mid-way, or without its user yet: not ready, no TypeError.
    expect(adminCredentialsOf('')).toBeUndefined();
    expect(adminCredentialsOf(written.slice(0, written.indexOf('users:')))).toBeUndefined();
    expect(adminCredentialsOf(`${written.slice(0, written.indexOf('  user:'))}  user:\n`)).toBeUndefined();
    expect(adminCredentialsOf('clusters: [')).toBeUndefined();
  });
});
