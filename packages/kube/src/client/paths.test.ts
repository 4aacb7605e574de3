import { gvr } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { clusterPrefix, groupVersionPath, joinUrl, queryString, resourcePath } from './paths.js';

const pods = gvr('', 'v1', 'pods');
const deployments = gvr('apps', 'v1', 'deployments');
const namespaces = gvr('', 'v1', 'namespaces');

describe('resourcePath', () => {
  it('addresses core and named groups', () => {
    expect(groupVersionPath('', 'v1')).toBe('/api/v1');
    expect(groupVersionPath('apps', 'v1')).toBe('/apis/apps/v1');
    expect(resourcePath({ gvr: pods, namespaced: true, namespace: 'ns', name: 'p' })).toBe(
      '/api/v1/namespaces/ns/pods/p',
    );
    expect(resourcePath({ gvr: deployments, namespaced: true, namespace: 'ns' })).toBe(
      '/apis/apps/v1/namespaces/ns/deployments',
    );
  });

  it('lists a namespaced resource across namespaces when no namespace is given', () => {
    expect(resourcePath({ gvr: deployments, namespaced: true })).toBe('/apis/apps/v1/deployments');
    expect(resourcePath({ gvr: deployments, namespaced: true, namespace: '' })).toBe(
      '/apis/apps/v1/deployments',
    );
  });

  it('ignores the namespace of cluster-scoped resources', () => {
    expect(resourcePath({ gvr: namespaces, namespaced: false, namespace: 'x', name: 'x' })).toBe(
      '/api/v1/namespaces/x',
    );
  });

  it('adds subresources', () => {
    expect(
      resourcePath({ gvr: deployments, namespaced: true, namespace: 'ns', name: 'd', subresource: 'status' }),
    ).toBe('/apis/apps/v1/namespaces/ns/deployments/d/status');
    expect(() =>
      resourcePath({ gvr: deployments, namespaced: true, namespace: 'ns', subresource: 'status' }),
    ).toThrow(/needs an object name/);
  });

  it('prefixes logical clusters and the wildcard', () => {
    expect(clusterPrefix(undefined)).toBe('');
    expect(clusterPrefix('root:org:ws')).toBe('/clusters/root:org:ws');
    expect(resourcePath({ gvr: pods, namespaced: true, cluster: '*' })).toBe('/clusters/*/api/v1/pods');
    expect(resourcePath({ gvr: pods, namespaced: true, cluster: 'root:a', namespace: 'n', name: 'p' })).toBe(
      '/clusters/root:a/api/v1/namespaces/n/pods/p',
    );
  });

  it('refuses segments that would change the path', () => {
    expect(() => resourcePath({ gvr: pods, namespaced: true, namespace: 'a/b', name: 'p' })).toThrow(
      /namespace/,
    );
    expect(() => resourcePath({ gvr: pods, namespaced: true, namespace: 'n', name: '..' })).toThrow(/name/);
    expect(() => clusterPrefix('a/b')).toThrow(/logical cluster/);
    expect(() => resourcePath({ gvr: pods, namespaced: true, name: 'p' })).toThrow(/namespace is required/);
  });

  it('escapes characters that are not path-safe', () => {
    expect(resourcePath({ gvr: namespaces, namespaced: false, name: 'a b?c' })).toBe(
      '/api/v1/namespaces/a%20b%3Fc',
    );
  });
});

describe('joinUrl', () => {
  it('keeps a base path (workspace or virtual workspace URL)', () => {
    const vw = new URL('https://kcp.example:6443/services/syncer/root:org/target/uid-1/');
    expect(joinUrl(vw, '/clusters/*/api/v1/pods?watch=1').href).toBe(
      'https://kcp.example:6443/services/syncer/root:org/target/uid-1/clusters/*/api/v1/pods?watch=1',
    );
    expect(joinUrl(new URL('http://127.0.0.1:8080'), '/api/v1').href).toBe('http://127.0.0.1:8080/api/v1');
    expect(() => joinUrl(vw, 'api/v1')).toThrow(/must start with/);
  });

  it('drops the base query and fragment, and encodes the path the same with or without its fast path', () => {
    const base = new URL('https://user:pw@kcp.example:6443/clusters/root:org/?x=1#f');
    expect(joinUrl(base, '/api/v1?limit=1').href).toBe(
      'https://user:pw@kcp.example:6443/clusters/root:org/api/v1?limit=1',
    );
    expect(joinUrl(new URL('http://h/a?'), '/b').href).toBe('http://h/a/b');
    expect(joinUrl(new URL('http://h/a#'), '/b?c').href).toBe('http://h/a/b?c');
    // `#`, `\\`, spaces and controls take the slow path: set on the URL, never parsed as part of it.
    expect(joinUrl(base, '/a#b?c#d').href).toBe(
      'https://user:pw@kcp.example:6443/clusters/root:org/a%23b?c%23d',
    );
    expect(joinUrl(base, '/a\\b c\t').href).toBe(
      'https://user:pw@kcp.example:6443/clusters/root:org/a/b%20c',
    );
    expect(joinUrl(base, '/a b/`x`/..').href).toBe(
      'https://user:pw@kcp.example:6443/clusters/root:org/a%20b/',
    );
    expect(joinUrl(base, '/%60x%60/y/..?q=<a b>').href).toBe(
      'https://user:pw@kcp.example:6443/clusters/root:org/%60x%60/?q=%3Ca%20b%3E',
    );
    // Fast path: printable ASCII, encoded and dot segments resolved as by the pathname and search setters.
    expect(joinUrl(base, "/`x`/y/%2e%2E?q=<a>'{|}").href).toBe(
      'https://user:pw@kcp.example:6443/clusters/root:org/%60x%60/?q=%3Ca%3E%27{|}',
    );
  });
});

describe('queryString', () => {
  it('drops undefined values and encodes the rest', () => {
    expect(queryString({})).toBe('');
    expect(queryString({ a: undefined, labelSelector: 'app in (a,b)', limit: 500, force: true })).toBe(
      '?labelSelector=app+in+%28a%2Cb%29&limit=500&force=true',
    );
  });
});
