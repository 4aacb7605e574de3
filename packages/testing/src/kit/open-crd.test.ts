import { afterEach, describe, expect, it } from 'vitest';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { openCrd } from './open-crd.js';
import { waitFor } from './wait.js';

describe('openCrd', () => {
  let sim: KubeSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('is accepted by the API server, and its resource keeps fields no schema names', async () => {
    sim = await startKubeSimulator();
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim?.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const crd = openCrd({
      group: 'example.com',
      kind: 'Widget',
      versionFields: { subresources: { status: {} } },
    });
    expect(crd.metadata.name).toBe('widgets.example.com');
    expect((await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(
      201,
    );
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { any: [1] },
    };
    const path = '/apis/example.com/v1/namespaces/default/widgets';
    // The new resource is served once the CRD is established.
    const created = await waitFor('the Widget created', async () => {
      const answer = await send('POST', path, widget);
      return answer.status === 201 ? answer : undefined;
    });
    expect(created.json.spec).toEqual({ any: [1] });
    expect((await send('GET', `${path}/w/status`)).status).toBe(200);
  });
});
