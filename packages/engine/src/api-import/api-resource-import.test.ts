import { describe, expect, it } from 'vitest';
import { newApiResourceImport } from './api-resource-import.js';
import type { PulledResource } from './schema-puller.js';

const REF = { cluster: 'root:org', name: 'phys', uid: 'uid-1', key: 'k3y' };

function pulled(
  group: string,
  plural: string,
  kind: string,
  extra: Partial<PulledResource> = {},
): PulledResource {
  return {
    group,
    version: 'v1',
    scope: 'Namespaced',
    names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
    schema: { type: 'object' },
    subresources: [],
    columns: [],
    ...extra,
  };
}

describe('newApiResourceImport (kcp v0.11 pkg/syncer/apiimporter.go)', () => {
  it('names core resources with "core" and leaves the group out of groupVersion and apiVersion', () => {
    const object = newApiResourceImport(
      REF,
      'uid-1',
      pulled('', 'services', 'Service', { subresources: ['status'] }),
    );
    expect(object.metadata.name).toBe('services.phys.v1.core');
    expect(object.metadata.annotations).toEqual({ 'apiresource.kcp.io/apiVersion': 'v1' });
    expect(object.spec).toMatchObject({
      groupVersion: { version: 'v1' },
      subResources: [{ name: 'status' }],
      location: 'phys',
    });
    expect(object.spec).not.toHaveProperty('columnDefinitions');
  });

  it('carries the API review annotation kcp adds for *.k8s.io groups', () => {
    const object = newApiResourceImport(
      REF,
      'uid-1',
      pulled('networking.k8s.io', 'ingresses', 'Ingress', {
        apiApproved: 'https://github.com/kcp-dev/kubernetes/pull/4',
      }),
    );
    expect(object.metadata.name).toBe('ingresses.phys.v1.networking.k8s.io');
    expect(object.metadata.annotations).toEqual({
      'apiresource.kcp.io/apiVersion': 'networking.k8s.io/v1',
      'api-approved.kubernetes.io': 'https://github.com/kcp-dev/kubernetes/pull/4',
    });
  });
});
