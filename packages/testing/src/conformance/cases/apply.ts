import { expect, it } from 'vitest';
import { describeGroups } from '../groups.js';
import { cmPath, expectOk, expectStatus, type SuiteRef } from '../suite.js';

const APPLY = 'application/apply-patch+yaml';

function applied(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

function owns(
  obj: {
    metadata: { managedFields?: { manager: string; fieldsV1: Record<string, Record<string, unknown>> }[] };
  },
  manager: string,
  key: string,
): boolean {
  const entry = obj.metadata.managedFields?.find((m) => m.manager === manager);
  return entry?.fieldsV1['f:data']?.[`f:${key}`] !== undefined;
}

function applyOwnershipCases(s: SuiteRef): void {
  it('creates with 201 and records an Apply managedFields entry', async () => {
    const { client, ns, name } = s();
    const n = name('ssa');
    const res = await client.patch(cmPath(ns, n), APPLY, applied(n, { a: '1' }), { fieldManager: 'alpha' });
    expect(res.status, res.text).toBe(201);
    expect(res.json.data).toEqual({ a: '1' });
    const entry = res.json.metadata.managedFields.find((m: { manager: string }) => m.manager === 'alpha');
    expect(entry).toMatchObject({
      manager: 'alpha',
      operation: 'Apply',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
    });
    expect(entry.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('answers a conflicting apply with 409 and FieldManagerConflict causes; force takes ownership', async () => {
    const { client, ns, name } = s();
    const n = name('conf');
    expect(
      (await client.patch(cmPath(ns, n), APPLY, applied(n, { key: '1' }), { fieldManager: 'alpha' })).status,
    ).toBe(201);
    const res = await client.patch(cmPath(ns, n), APPLY, applied(n, { key: '2' }), {
      fieldManager: 'beta',
    });
    expectStatus(res, 409, 'Conflict');
    expect(res.json.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.key' },
    ]);
    expect(res.json.message).toBe('Apply failed with 1 conflict: conflict with "alpha": .data.key');
    const forced = await client.patch(cmPath(ns, n), APPLY, applied(n, { key: '2' }), {
      fieldManager: 'beta',
      force: true,
    });
    expectOk(forced);
    expect(forced.json.data).toEqual({ key: '2' });
    expect(owns(forced.json, 'beta', 'key')).toBe(true);
    expect(owns(forced.json, 'alpha', 'key')).toBe(false);
  });

  it('shares ownership without conflict when the values agree', async () => {
    const { client, ns, name } = s();
    const n = name('share');
    await client.patch(cmPath(ns, n), APPLY, applied(n, { key: 'same' }), { fieldManager: 'alpha' });
    const res = await client.patch(cmPath(ns, n), APPLY, applied(n, { key: 'same' }), {
      fieldManager: 'beta',
    });
    expectOk(res);
    expect(owns(res.json, 'alpha', 'key') && owns(res.json, 'beta', 'key')).toBe(true);
  });

  it('removes fields a manager stops applying', async () => {
    const { client, ns, name } = s();
    const n = name('drop');
    await client.patch(cmPath(ns, n), APPLY, applied(n, { keep: '1', drop: '2' }), {
      fieldManager: 'alpha',
    });
    const res = await client.patch(cmPath(ns, n), APPLY, applied(n, { keep: '1' }), {
      fieldManager: 'alpha',
    });
    expectOk(res);
    expect(res.json.data).toEqual({ keep: '1' });
  });
}

function applyUpdateConflictAndYamlCases(s: SuiteRef): void {
  it('conflicts with fields set by an update of another manager', async () => {
    const { client, ns, name } = s();
    const n = name('upd');
    const created = await client.post(cmPath(ns), applied(n, { key: '1' }), { fieldManager: 'writer' });
    expect(created.status).toBe(201);
    expect(created.json.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'writer', operation: 'Update' }),
    );
    const res = await client.patch(cmPath(ns, n), APPLY, applied(n, { key: '2' }), {
      fieldManager: 'alpha',
    });
    expectStatus(res, 409, 'Conflict');
    expect(res.json.details.causes[0]).toMatchObject({
      reason: 'FieldManagerConflict',
      field: '.data.key',
      message: 'conflict with "writer" using v1',
    });
  });

  it('accepts a YAML apply body', async () => {
    const { client, ns, name } = s();
    const n = name('yaml');
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  from: yaml\n`;
    const res = await client.patch(cmPath(ns, n), APPLY, yaml, { fieldManager: 'alpha' });
    expect(res.status).toBe(201);
    expect(res.json.data).toEqual({ from: 'yaml' });
  });
}

// A POST leaves the creator's fields under an Update entry, which that same manager's later apply conflicts with;
// writing managedFields directly (merge patch) turns it into an Apply entry, after which an apply may change and
// drop those fields (how the agent creates by POST without a GET first, issue 17).
function applyOwnershipRewriteCases(s: SuiteRef): void {
  it("takes a merge patch's managedFields as the new ownership: Update turned into Apply", async () => {
    const { client, ns, name } = s();
    const n = name('own');
    const created = await client.post(cmPath(ns), applied(n, { a: '1', b: '1' }), { fieldManager: 'alpha' });
    expectOk(created, 201);
    const conflicting = await client.patch(cmPath(ns, n), APPLY, applied(n, { a: '2' }), {
      fieldManager: 'alpha',
    });
    expectStatus(conflicting, 409, 'Conflict');
    expect(conflicting.json.details.causes[0].message).toBe('conflict with "alpha" using v1');
    const entries = created.json.metadata.managedFields.map((m: { operation: string }) => ({
      ...m,
      operation: 'Apply',
    }));
    const rewritten = await client.patch(
      cmPath(ns, n),
      'application/merge-patch+json',
      { metadata: { resourceVersion: created.json.metadata.resourceVersion, managedFields: entries } },
      { fieldManager: 'alpha' },
    );
    expectOk(rewritten);
    expect(rewritten.json.metadata.managedFields.map((m: { operation: string }) => m.operation)).toEqual([
      'Apply',
    ]);
    const res = await client.patch(cmPath(ns, n), APPLY, applied(n, { a: '2' }), { fieldManager: 'alpha' });
    expectOk(res);
    expect(res.json.data).toEqual({ a: '2' });
  });
}

export function applyCases(s: SuiteRef): void {
  describeGroups('server-side apply', s, [
    applyOwnershipCases,
    applyOwnershipRewriteCases,
    applyUpdateConflictAndYamlCases,
  ]);
}
