import { readFileSync } from 'node:fs';
import type { KubeClient } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { servedByKcp } from './control-plane-kinds.js';
import { preferredResources, readDiscovery, resolveGroupResource } from './downstream-discovery.js';

// Discovery recorded from a real kube-apiserver 1.35 (/api, /apis, /api/v1, /apis/apps/v1).
const RECORDED = JSON.parse(
  readFileSync(new URL('../../test/fixtures/kube-1.35/discovery.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function recordedClient(): KubeClient {
  return {
    request: async (path: string) => {
      const body = RECORDED[path] ?? { kind: 'APIResourceList', resources: [] };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    },
  } as unknown as KubeClient;
}

describe('downstream discovery as kcp reads it', () => {
  it('resolves kcp resource names by plural or singular, the core group with or without the trailing dot', async () => {
    const discovery = await readDiscovery(recordedClient());
    expect(resolveGroupResource(discovery, 'deployments.apps')).toEqual({
      group: 'apps',
      resource: 'deployments',
    });
    expect(resolveGroupResource(discovery, 'deployment.apps')).toEqual({
      group: 'apps',
      resource: 'deployments',
    });
    expect(resolveGroupResource(discovery, 'services.')).toEqual({ group: '', resource: 'services' });
    expect(resolveGroupResource(discovery, 'services')).toEqual({ group: '', resource: 'services' });
    expect(resolveGroupResource(discovery, 'widgets.example.com')).toBeUndefined();
  });

  it('picks one version per resource and records its subresources', async () => {
    const preferred = preferredResources(await readDiscovery(recordedClient()));
    const deployments = preferred.find((p) => p.group === 'apps' && p.resource.name === 'deployments');
    expect(deployments?.version).toBe('v1');
    expect(deployments?.resource).toMatchObject({
      singularName: 'deployment',
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect([...(deployments?.served ?? [])]).toEqual(
      expect.arrayContaining(['deployments/scale', 'deployments/status']),
    );
    expect(preferred.some((p) => p.resource.name.includes('/'))).toBe(false);
  });

  it("leaves kcp's own kinds out: configmaps, secrets, namespaces, RBAC; imports services and deployments", () => {
    expect(servedByKcp('', 'v1', 'ConfigMap')).toBeDefined();
    expect(servedByKcp('', 'v1', 'Secret')).toBeDefined();
    expect(servedByKcp('rbac.authorization.k8s.io', 'v1', 'Role')).toBeDefined();
    expect(servedByKcp('coordination.k8s.io', 'v1alpha2', 'LeaseCandidate')).toBeDefined();
    expect(servedByKcp('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')).toBeDefined();
    expect(servedByKcp('', 'v1', 'Service')).toBeUndefined();
    expect(servedByKcp('apps', 'v1', 'Deployment')).toBeUndefined();
    // A kind newer than kcp's scheme in a version kcp serves is imported, as kcp's scheme check allows.
    expect(servedByKcp('admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy')).toBeUndefined();
  });
});
