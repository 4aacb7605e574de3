import { afterEach, describe, expect, it } from 'vitest';
import { syncTargetKey } from '../kcp/synctarget-key.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { createSyncTarget, type KitObject, SYNC_TARGETS, type SyncTargetWriter } from './sync-target.js';

/** The three calls over HTTP, as a test's own client makes them. */
function httpWriter(sim: KubeSimulator): SyncTargetWriter {
  const path = (cluster: string | undefined, name?: string, status = false) =>
    `${cluster === undefined ? '' : `/clusters/${cluster}`}/apis/${SYNC_TARGETS.group}/${SYNC_TARGETS.version}/` +
    `${SYNC_TARGETS.resource}${name === undefined ? '' : `/${name}`}${status ? '/status' : ''}`;
  const send = async (method: string, url: string, body?: unknown): Promise<KitObject> => {
    const res = await fetch(`${sim.url}${url}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status}`);
    return (await res.json()) as KitObject;
  };
  return {
    create: (_gvr, object, scope) => send('POST', path(scope?.cluster), object),
    get: (_gvr, ref) => send('GET', path(ref.cluster, ref.name)),
    updateStatus: (_gvr, object, scope) =>
      send('PUT', path(scope?.cluster, object.metadata.name, true), object),
  };
}

describe('createSyncTarget', () => {
  let sim: KubeSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('creates the SyncTarget in its logical cluster, accepts its resources and names it by its key', async () => {
    sim = await startKubeSimulator({ kcp: { clusters: ['root:org'] } });
    const client = httpWriter(sim);
    const created = await createSyncTarget(client, {
      cluster: 'root:org',
      name: 'east',
      syncedResources: ['apps/v1/deployments'],
    });
    const stored = await client.get(SYNC_TARGETS, { cluster: 'root:org', name: 'east' });
    expect(created.ref).toEqual({
      cluster: 'root:org',
      name: 'east',
      uid: stored.metadata.uid,
      key: syncTargetKey('root:org', 'east'),
    });
    expect(stored.status).toMatchObject({
      syncedResources: [{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }],
    });
    await created.setSyncedResources(['v1/services']);
    const updated = await client.get(SYNC_TARGETS, { cluster: 'root:org', name: 'east' });
    expect(updated.status).toMatchObject({
      syncedResources: [{ group: '', resource: 'services', versions: ['v1'], state: 'Accepted' }],
    });
  });
});
