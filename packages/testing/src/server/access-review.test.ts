import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../conformance/client.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { reviewAccess } from './access-review.js';

const review = (spec: Record<string, unknown>) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  spec,
});

describe('SelfSubjectAccessReview from configurable rules', () => {
  let sim: KubeSimulator;
  let client: RawClient;
  beforeAll(async () => {
    sim = await startKubeSimulator({
      accessRules: {
        rules: [
          { verbs: ['delete'], resources: ['secrets'], allowed: false, reason: 'secrets are read-only here' },
          { verbs: ['*'], groups: ['apps'], resources: ['deployments'], namespaces: ['team'], allowed: true },
          { nonResourceURLs: ['/healthz'], verbs: ['get'], allowed: true },
        ],
        defaultAllowed: false,
      },
    });
    client = new RawClient(sim.kubeconfig);
  });
  afterAll(() => sim.stop());

  it('answers allowed and denied by the first matching rule, with the default otherwise', async () => {
    const ask = async (spec: Record<string, unknown>) =>
      (await client.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review(spec))).json.status;
    expect(
      await ask({ resourceAttributes: { verb: 'delete', resource: 'secrets', namespace: 'x' } }),
    ).toEqual({ allowed: false, reason: 'secrets are read-only here' });
    expect(
      await ask({
        resourceAttributes: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team' },
      }),
    ).toEqual({ allowed: true });
    expect(
      await ask({
        resourceAttributes: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'other' },
      }),
    ).toEqual({ allowed: false });
    expect(await ask({ nonResourceAttributes: { path: '/healthz', verb: 'get' } })).toEqual({
      allowed: true,
    });
    sim.setAccessRules({ rules: [] });
    expect(await ask({ resourceAttributes: { verb: 'delete', resource: 'secrets' } })).toEqual({
      allowed: true,
    });
  });

  it('matches subresources by resource/subresource', () => {
    const rules = { rules: [{ resources: ['pods/log'], allowed: false }], defaultAllowed: true };
    expect(
      reviewAccess(rules, { resourceAttributes: { verb: 'get', resource: 'pods', subresource: 'log' } })
        .allowed,
    ).toBe(false);
    expect(reviewAccess(rules, { resourceAttributes: { verb: 'get', resource: 'pods' } }).allowed).toBe(true);
    const podsOnly = { rules: [{ resources: ['pods'], allowed: true }], defaultAllowed: false };
    expect(
      reviewAccess(podsOnly, { resourceAttributes: { verb: 'get', resource: 'pods', subresource: 'log' } })
        .allowed,
    ).toBe(false);
  });
});
