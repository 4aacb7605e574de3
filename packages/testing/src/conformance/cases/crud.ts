import { expect, it } from 'vitest';
import { describeGroups } from '../groups.js';
import { cmPath, configMap, create, expectOk, expectStatus, type SuiteRef, withMetadata } from '../suite.js';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function createAndGetCases(s: SuiteRef): void {
  it('creates with 201 and server-set uid, creationTimestamp and resourceVersion', async () => {
    const { client, ns, name } = s();
    const n = name('cm');
    const created = await create(client, cmPath(ns), configMap(n, { a: '1' }));
    expect(created).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: n, namespace: ns },
      data: { a: '1' },
    });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toMatch(RFC3339);
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    const got = await client.get(cmPath(ns, n));
    expectOk(got);
    expect(got.json.metadata).toMatchObject({
      uid: created.metadata.uid,
      resourceVersion: created.metadata.resourceVersion,
    });
  });

  it('generates a name from generateName', async () => {
    const { client, ns } = s();
    const created = await create(client, cmPath(ns), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'gen-' },
    });
    expect(created.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(created.metadata.generateName).toBe('gen-');
  });

  it('answers a duplicate create with 409 AlreadyExists naming the resource', async () => {
    const { client, ns, name } = s();
    const n = name('dup');
    await create(client, cmPath(ns), configMap(n));
    const res = await client.post(cmPath(ns), configMap(n));
    expectStatus(res, 409, 'AlreadyExists');
    expect(res.json.details).toEqual({ name: n, kind: 'configmaps' });
    expect(res.json.message).toBe(`configmaps "${n}" already exists`);
  });

  it('answers a missing object with 404 NotFound naming it', async () => {
    const { client, ns } = s();
    const res = await client.get(cmPath(ns, 'does-not-exist'));
    expectStatus(res, 404, 'NotFound');
    expect(res.json.details).toEqual({ name: 'does-not-exist', kind: 'configmaps' });
    expect(res.json.message).toBe('configmaps "does-not-exist" not found');
    const apps = await client.get(`/apis/apps/v1/namespaces/${ns}/deployments/nope`);
    expectStatus(apps, 404, 'NotFound');
    expect(apps.json.details).toEqual({ name: 'nope', group: 'apps', kind: 'deployments' });
    expect(apps.json.message).toBe('deployments.apps "nope" not found');
  });

  it('updates with the current resourceVersion and bumps it', async () => {
    const { client, ns, name } = s();
    const n = name('upd');
    const created = await create(client, cmPath(ns), configMap(n, { a: '1' }));
    const res = await client.put(cmPath(ns, n), { ...created, data: { a: '2' } });
    expectOk(res);
    expect(res.json.data).toEqual({ a: '2' });
    expect(Number(res.json.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    expect(res.json.metadata.uid).toBe(created.metadata.uid);
  });
}

function updateAndDeleteCases(s: SuiteRef): void {
  it('rejects an update with a stale resourceVersion with 409 Conflict', async () => {
    const { client, ns, name } = s();
    const n = name('stale');
    const created = await create(client, cmPath(ns), configMap(n, { a: '1' }));
    expectOk(await client.put(cmPath(ns, n), { ...created, data: { a: '2' } }));
    const res = await client.put(cmPath(ns, n), { ...created, data: { a: '3' } });
    expectStatus(res, 409, 'Conflict');
    expect(res.json.details).toEqual({ name: n, kind: 'configmaps' });
    expect(res.json.message).toBe(
      `Operation cannot be fulfilled on configmaps "${n}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  });

  it('rejects an update whose body names another object with 400 BadRequest', async () => {
    const { client, ns, name } = s();
    const n = name('mismatch');
    const created = await create(client, cmPath(ns), configMap(n));
    const res = await client.put(cmPath(ns, n), withMetadata(created, { name: 'other' }));
    expectStatus(res, 400, 'BadRequest');
  });

  it('answers an update of a missing object with 404', async () => {
    const { client, ns } = s();
    expectStatus(await client.put(cmPath(ns, 'missing'), configMap('missing')), 404, 'NotFound');
  });

  it('deletes: a Success Status for ConfigMaps, then 404', async () => {
    const { client, ns, name } = s();
    const n = name('del');
    const created = await create(client, cmPath(ns), configMap(n));
    const res = await client.delete(cmPath(ns, n));
    expectOk(res);
    expect(res.json).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Success',
      details: { name: n, kind: 'configmaps', uid: created.metadata.uid },
    });
    expectStatus(await client.get(cmPath(ns, n)), 404, 'NotFound');
    expectStatus(await client.delete(cmPath(ns, n)), 404, 'NotFound');
  });

  it('deletes a collection by label selector, leaving the rest', async () => {
    const { client, ns, name } = s();
    const tag = name('dc');
    await create(client, cmPath(ns), configMap(`${tag}-1`, {}, { labels: { dc: tag } }));
    await create(client, cmPath(ns), configMap(`${tag}-2`, {}, { labels: { dc: tag } }));
    await create(client, cmPath(ns), configMap(`${tag}-keep`));
    expectOk(await client.delete(cmPath(ns), { labelSelector: `dc=${tag}` }));
    expect((await client.get(cmPath(ns), { labelSelector: `dc=${tag}` })).json.items).toEqual([]);
    expectOk(await client.get(cmPath(ns, `${tag}-keep`)));
  });

  it('does not persist dryRun=All creates', async () => {
    const { client, ns, name } = s();
    const n = name('dry');
    const res = await client.post(cmPath(ns), configMap(n), { dryRun: 'All' });
    expect(res.status).toBe(201);
    expect(res.json.metadata.name).toBe(n);
    expectStatus(await client.get(cmPath(ns, n)), 404, 'NotFound');
  });

  it('rejects creates in a missing namespace with 404 for the namespace', async () => {
    const { client, name } = s();
    const ns = name('nope');
    const res = await client.post(cmPath(ns), configMap('x'));
    expectStatus(res, 404, 'NotFound');
    expect(res.json.details).toEqual({ name: ns, kind: 'namespaces' });
  });
}

function resourceVersionCases(s: SuiteRef): void {
  it('keeps a global, increasing resourceVersion across objects', async () => {
    const { client, ns, name } = s();
    const a = await create(client, cmPath(ns), configMap(name('rva')));
    const b = await create(client, cmPath(ns), configMap(name('rvb')));
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    const list = await client.get(cmPath(ns));
    expect(Number(list.json.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(b.metadata.resourceVersion),
    );
  });
}

function invalidInputCases(s: SuiteRef): void {
  it('rejects an invalid name with 422 Invalid and a field cause', async () => {
    const { client, ns } = s();
    const res = await client.post(cmPath(ns), configMap('Not_Valid'));
    expectStatus(res, 422, 'Invalid');
    expect(res.json.details).toMatchObject({ name: 'Not_Valid', kind: 'ConfigMap' });
    expect(res.json.details.causes).toContainEqual(
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name' }),
    );
    expect(res.json.message).toMatch(
      /^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/,
    );
  });

  it('requires a name or generateName (422)', async () => {
    const { client, ns } = s();
    const res = await client.post(cmPath(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} });
    expectStatus(res, 422, 'Invalid');
    expect(res.json.details.causes).toContainEqual(
      expect.objectContaining({ reason: 'FieldValueRequired', field: 'metadata.name' }),
    );
  });

  it('rejects invalid label values (422)', async () => {
    const { client, ns, name } = s();
    const res = await client.post(cmPath(ns), configMap(name('lbl'), {}, { labels: { app: 'has spaces' } }));
    expectStatus(res, 422, 'Invalid');
    expect(res.json.details.causes[0].field).toBe('metadata.labels');
  });

  it('rejects a ConfigMap over 1 MiB of data (422)', async () => {
    const { client, ns, name } = s();
    const res = await client.post(cmPath(ns), configMap(name('big'), { big: 'x'.repeat(1024 * 1024 + 10) }));
    expectStatus(res, 422, 'Invalid');
  });

  it('rejects a body over 3 MiB with 413 RequestEntityTooLarge', async () => {
    const { client, ns, name } = s();
    const res = await client.post(
      cmPath(ns),
      configMap(name('huge'), { huge: 'x'.repeat(3 * 1024 * 1024 + 10) }),
    );
    expectStatus(res, 413, 'RequestEntityTooLarge');
    expect(res.json.message).toBe('Request entity too large: limit is 3145728');
  });

  it('rejects malformed JSON with 400 BadRequest', async () => {
    const { client, ns } = s();
    const res = await client.request('POST', cmPath(ns), {
      rawBody: '{"apiVersion": "v1", "kind": ',
      contentType: 'application/json',
    });
    expectStatus(res, 400, 'BadRequest');
  });

  it('rejects an unsupported content type with 415 UnsupportedMediaType', async () => {
    const { client, ns } = s();
    const res = await client.request('POST', cmPath(ns), { rawBody: 'hello', contentType: 'text/plain' });
    expectStatus(res, 415, 'UnsupportedMediaType');
  });

  it('rejects an unsupported method on a collection with 405 MethodNotAllowed', async () => {
    const { client, ns } = s();
    const res = await client.request('PUT', cmPath(ns), { body: configMap('x') });
    expectStatus(res, 405, 'MethodNotAllowed');
  });
}

export function crudCases(s: SuiteRef): void {
  describeGroups('create, get, update, delete', s, [
    createAndGetCases,
    updateAndDeleteCases,
    resourceVersionCases,
  ]);
  describeGroups('invalid input', s, [invalidInputCases]);
}
