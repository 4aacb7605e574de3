import { expect, it } from 'vitest';
import { describeGroups } from '../groups.js';
import { expectStatus, type SuiteRef } from '../suite.js';

function versionAndCoreDiscoveryCases(s: SuiteRef): void {
  it('serves /version with major, minor and gitVersion', async () => {
    const res = await s().client.get('/version');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      major: expect.any(String),
      minor: expect.any(String),
      gitVersion: expect.stringMatching(/^v1\./),
    });
  });

  it('answers /healthz, /livez and /readyz with ok', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const res = await s().client.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text).toBe('ok');
    }
  });

  it('lists the core version at /api and core resources at /api/v1', async () => {
    const api = await s().client.get('/api');
    expect(api.json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const v1 = await s().client.get('/api/v1');
    expect(v1.json).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const byName = new Map<string, Record<string, unknown>>(
      v1.json.resources.map((r: { name: string }) => [r.name, r]),
    );
    expect(byName.get('configmaps')).toMatchObject({
      kind: 'ConfigMap',
      namespaced: true,
      singularName: 'configmap',
    });
    expect(byName.get('configmaps')?.verbs).toEqual(
      expect.arrayContaining(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    );
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, shortNames: ['ns'] });
    expect(byName.get('pods/status')).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(byName.get('pods/log')).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    for (const name of [
      'services',
      'endpoints',
      'secrets',
      'serviceaccounts',
      'events',
      'persistentvolumes',
      'persistentvolumeclaims',
    ]) {
      expect(byName.has(name), name).toBe(true);
    }
  });
}

function groupDiscoveryCases(s: SuiteRef): void {
  it('lists groups at /apis and resources at /apis/<group>/<version>', async () => {
    const apis = await s().client.get('/apis');
    expect(apis.json.kind).toBe('APIGroupList');
    const groups = new Map<string, { preferredVersion: { groupVersion: string } }>(
      apis.json.groups.map((g: { name: string }) => [g.name, g]),
    );
    for (const g of [
      'apps',
      'batch',
      'networking.k8s.io',
      'rbac.authorization.k8s.io',
      'coordination.k8s.io',
      'authorization.k8s.io',
      'apiextensions.k8s.io',
    ]) {
      expect(groups.has(g), g).toBe(true);
    }
    expect(groups.get('apps')?.preferredVersion.groupVersion).toBe('apps/v1');
    const group = await s().client.get('/apis/apps');
    expect(group.json).toMatchObject({
      kind: 'APIGroup',
      name: 'apps',
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    const apps = await s().client.get('/apis/apps/v1');
    expect(apps.json).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
    const byName = new Map<string, Record<string, unknown>>(
      apps.json.resources.map((r: { name: string }) => [r.name, r]),
    );
    expect(byName.get('deployments')).toMatchObject({
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(byName.get('deployments/status')).toMatchObject({ verbs: ['get', 'patch', 'update'] });
    expect(byName.get('deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const batch = await s().client.get('/apis/batch/v1');
    expect(batch.json.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['jobs', 'cronjobs']),
    );
    const leases = await s().client.get('/apis/coordination.k8s.io/v1');
    expect(leases.json.resources.map((r: { name: string }) => r.name)).toContain('leases');
  });

  it('answers unknown paths and groups with 404, unknown resources of a served version with a 404 Status', async () => {
    for (const path of [
      '/no-such-path',
      '/apis/no.such.group',
      '/apis/no.such.group/v1',
      '/apis/no.such.group/v1/things',
      '/api/v2',
    ]) {
      const res = await s().client.get(path);
      expect(res.status, path).toBe(404);
    }
    expectStatus(await s().client.get('/api/v1/nosuchresources'), 404, 'NotFound');
    expectStatus(await s().client.get('/apis/apps/v1/nosuchresources'), 404, 'NotFound');
  });
}

function authenticationCases(s: SuiteRef): void {
  it('rejects a request with an invalid bearer token with a 401 Status', async () => {
    const { client } = s();
    const res = await client.request('GET', '/api/v1/namespaces', {}, undefined);
    expect(res.status).toBe(200);
    const { fetch } = await import('undici');
    const url = client.url('/api/v1/namespaces');
    const { RequestContext, HttpMethod } = await import('@kubernetes/client-node');
    const ctx = new RequestContext(url, HttpMethod.GET);
    await client.kc.applySecurityAuthentication(ctx);
    const headers = { ...ctx.getHeaders(), authorization: 'Bearer not-a-valid-token' };
    const dispatcher = ctx.getDispatcher();
    const bad = await fetch(url, { headers, ...(dispatcher ? { dispatcher: dispatcher as never } : {}) });
    const body = (await bad.json()) as Record<string, unknown>;
    expect(bad.status).toBe(401);
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });
}

export function discoveryCases(s: SuiteRef): void {
  describeGroups('discovery and health', s, [
    versionAndCoreDiscoveryCases,
    groupDiscoveryCases,
    authenticationCases,
  ]);
}
