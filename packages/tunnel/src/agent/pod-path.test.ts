import { describe, expect, it } from 'vitest';
import { downstreamPodPath, parsePodSubresourcePath } from './pod-path.js';

describe('parsePodSubresourcePath', () => {
  it('parses a pod subresource with and without a cluster prefix', () => {
    expect(
      parsePodSubresourcePath('/api/v1/namespaces/default/pods/web-1/log?follow=true&container=app'),
    ).toEqual({
      namespace: 'default',
      name: 'web-1',
      subresource: 'log',
      rest: '',
      search: '?follow=true&container=app',
    });
    expect(parsePodSubresourcePath('/clusters/root:org:ws/api/v1/namespaces/ns/pods/p.q/log')).toMatchObject({
      cluster: 'root:org:ws',
      namespace: 'ns',
      name: 'p.q',
    });
    expect(parsePodSubresourcePath('/clusters/*/api/v1/namespaces/ns/pods/p/log')?.cluster).toBe('*');
    expect(parsePodSubresourcePath('/api/v1/namespaces/ns/pods/p/proxy/metrics/x')?.rest).toBe('/metrics/x');
  });

  it.each([
    '/api/v1/namespaces/ns/pods/p',
    '/api/v1/namespaces/ns/pods',
    '/api/v1/namespaces/ns/configmaps/c/log',
    '/apis/apps/v1/namespaces/ns/deployments/d/scale',
    '/api/v1/namespaces/NS/pods/p/log',
    '/api/v1/namespaces/ns/pods/a%2Fb/log',
    '/api/v1/namespaces/ns/pods/p/proxy/%2E%2E/secret',
    '/api/v1/namespaces/ns/pods/p/Log',
    '/clusters//api/v1/namespaces/ns/pods/p/log',
    '//evil.example/api/v1/namespaces/ns/pods/p/log',
    'api/v1/namespaces/ns/pods/p/log',
    '/api/v1/namespaces/ns/pods/p/log%',
  ])('refuses %s', (path) => {
    expect(parsePodSubresourcePath(path)).toBeUndefined();
  });

  it('re-addresses the request to the downstream namespace, keeping the query', () => {
    const parsed = parsePodSubresourcePath('/clusters/root:a/api/v1/namespaces/ns/pods/p/log?tailLines=5');
    expect(parsed && downstreamPodPath(parsed, 'kcp-0123456789ab', 'p')).toBe(
      '/api/v1/namespaces/kcp-0123456789ab/pods/p/log?tailLines=5',
    );
  });
});
