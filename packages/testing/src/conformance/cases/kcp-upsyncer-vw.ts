import { describe, expect, it } from 'vitest';
import type { RawResponse } from '../client.js';
import type { SuiteRef } from '../suite.js';
import { type SyncerCase, syncerCase } from './kcp-support.js';

const PVS = '/api/v1/persistentvolumes';

function volume(name: string, labels: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels },
    spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/tmp' } },
  };
}

/** A request as the syncer through the upsyncer virtual workspace (`status.virtualWorkspaces[0].upsyncerURL`). */
async function upsyncer(
  c: SyncerCase,
): Promise<(method: string, path: string, body?: unknown) => Promise<RawResponse>> {
  const st = await c.kcp('GET', `/apis/workload.kcp.io/v1alpha1/synctargets/${c.st.syncTargetName}`);
  const url = st.json?.status?.virtualWorkspaces?.[0]?.upsyncerURL as string | undefined;
  expect(url, st.text).toMatch(/\/services\/upsyncer\//);
  return (method, path, body) => c.syncer.request(method, path, { body }, url);
}

export function kcpUpsyncerVirtualWorkspaceCases(s: SuiteRef): void {
  describe('kcp upsyncer virtual workspace (v0.11 rules)', () => {
    // builder/build.go: only pods and persistentvolumes, among the Accepted syncedResources; builder/forwarding.go
    // (NewUpSyncerRestProvider): get, list, watch, create, update, patch, delete.
    it('serves the Accepted persistent volumes only, with create and delete', async (ctx) => {
      const c = syncerCase(s, ctx);
      if (!c) return;
      const vw = await upsyncer(c);
      const core = await vw('GET', '/clusters/*/api/v1');
      expect(core.status, core.text).toBe(200);
      const served = new Map<string, string[]>(
        core.json.resources
          .filter((r: { name: string }) => !r.name.includes('/'))
          .map((r: { name: string; verbs: string[] }) => [r.name, [...r.verbs].sort()]),
      );
      expect([...served.keys()]).toEqual(['persistentvolumes']);
      expect(served.get('persistentvolumes')).toEqual([
        'create',
        'delete',
        'get',
        'list',
        'patch',
        'update',
        'watch',
      ]);
      expect((await vw('GET', '/clusters/*/api/v1/services')).status).toBe(404);
    });

    // builder/template.go's selector `state.workload.kcp.io/<key>=Upsync`; upsyncer/storage_wrapper.go refuses a
    // create or update whose object it would not select.
    it('shows, creates and updates only objects labelled Upsync, and deletes them', async (ctx) => {
      const c = syncerCase(s, ctx);
      if (!c) return;
      const vw = await upsyncer(c);
      const at = `/clusters/${c.st.cluster}${PVS}`;
      const name = c.name('up-pv');
      const upsync = { [c.stateLabel]: 'Upsync' };
      expect((await vw('POST', at, volume(c.name('no-label'), {}))).status).toBe(400);
      const made = await vw('POST', at, volume(name, upsync));
      expect(made.status, made.text).toBe(201);
      expect((await c.kcp('GET', `${PVS}/${name}`)).status).toBe(200);

      const plain = c.name('plain-pv');
      expect((await c.kcp('POST', PVS, volume(plain, {}))).status).toBe(201);
      expect((await vw('GET', `${at}/${plain}`)).status).toBe(404);

      const relabelled = { ...made.json, metadata: { ...made.json.metadata, labels: {} } };
      expect((await vw('PUT', `${at}/${name}`, relabelled)).status).toBe(400);
      const status = await vw('PUT', `${at}/${name}/status`, {
        ...made.json,
        status: { phase: 'Available' },
      });
      expect(status.status, status.text).toBe(200);
      expect((await c.kcp('GET', `${PVS}/${name}`)).json.status?.phase).toBe('Available');

      expect((await vw('DELETE', `${at}/${name}`)).status).toBe(200);
      expect((await c.kcp('GET', `${PVS}/${name}`)).status).toBe(404);
      await c.kcp('DELETE', `${PVS}/${plain}`);
    });
  });
}
