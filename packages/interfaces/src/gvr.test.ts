import { describe, expect, it } from 'vitest';
import {
  apiVersionOf,
  groupResourceString,
  gvkToString,
  gvr,
  gvrEquals,
  gvrToString,
  isNamespacesGvr,
  parseApiVersion,
  parseGvr,
} from './gvr.js';

describe('GVR', () => {
  it.each([
    ['apps/v1/deployments', gvr('apps', 'v1', 'deployments')],
    ['v1/configmaps', gvr('', 'v1', 'configmaps')],
    ['workload.kcp.io/v1alpha1/synctargets', gvr('workload.kcp.io', 'v1alpha1', 'synctargets')],
  ])('round-trips %s', (text, value) => {
    expect(parseGvr(text)).toEqual(value);
    expect(gvrToString(value)).toBe(text);
  });

  it("spells a group's resource as kcp's --resources does", () => {
    expect(groupResourceString(gvr('apps', 'v1', 'deployments'))).toBe('deployments.apps');
    expect(groupResourceString({ group: '', resource: 'services' })).toBe('services');
  });

  it("accepts kubectl's resource.version.group form", () => {
    expect(parseGvr('deployments.v1.apps')).toEqual(gvr('apps', 'v1', 'deployments'));
    expect(parseGvr('ingresses.v1.networking.k8s.io')).toEqual(gvr('networking.k8s.io', 'v1', 'ingresses'));
  });

  it.each(['', 'deployments', 'a/b/c/d', '/v1/x', 'apps//deployments', 'a.b'])('rejects "%s"', (text) => {
    expect(() => parseGvr(text)).toThrow(/invalid GVR/);
  });

  it('compares and renders apiVersion and GVK', () => {
    expect(gvrEquals(gvr('apps', 'v1', 'deployments'), parseGvr('apps/v1/deployments'))).toBe(true);
    expect(gvrEquals(gvr('apps', 'v1', 'deployments'), gvr('apps', 'v1', 'replicasets'))).toBe(false);
    expect(apiVersionOf(gvr('', 'v1', 'pods'))).toBe('v1');
    expect(apiVersionOf({ group: 'batch', version: 'v1', kind: 'Job' })).toBe('batch/v1');
    expect(parseApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(parseApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(gvkToString({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe(
      'apps/v1, Kind=Deployment',
    );
  });
});

describe('isNamespacesGvr', () => {
  it('is the core namespaces resource in any version, and nothing else', () => {
    expect(isNamespacesGvr(gvr('', 'v1', 'namespaces'))).toBe(true);
    expect(isNamespacesGvr({ group: '', resource: 'namespaces' })).toBe(true);
    expect(isNamespacesGvr(gvr('example.io', 'v1', 'namespaces'))).toBe(false);
    expect(isNamespacesGvr(gvr('', 'v1', 'configmaps'))).toBe(false);
  });
});
