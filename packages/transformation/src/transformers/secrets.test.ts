import { isTransformSkip, type KubeObject, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { configmaps, context, secrets } from '../test-support/fixtures.js';
import { SecretsTransformer, serviceAccountTokenFilter, validateDockerConfigJson } from './secrets.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function secret(
  type: string,
  data?: Record<string, string>,
  stringData?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type,
    metadata: { name: 'pull', namespace: 'test' },
    ...(data === undefined ? {} : { data }),
    ...(stringData === undefined ? {} : { stringData }),
  };
}

const dockerConfig = (json: string) =>
  secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64(json) });
const transformer = new SecretsTransformer();

describe('SecretsTransformer', () => {
  it('applies to secrets only', () => {
    expect(transformer.shouldTransform(secret('Opaque'), context(secrets))).toBe(true);
    expect(transformer.shouldTransform({ metadata: { name: 'x' } }, context(configmaps))).toBe(false);
  });

  it('skips service-account token secrets in both directions', () => {
    const token = secret('kubernetes.io/service-account-token', { token: b64('t') });
    for (const direction of ['down', 'up'] as const) {
      const out = transformer.transform(token, context(secrets, direction));
      expect(out).toEqual({ skip: true, reason: 'service-account token secrets are never synced' });
    }
  });

  it('passes opaque secrets and valid dockerconfigjson secrets through unchanged', () => {
    const opaque = secret('Opaque', { a: b64('b') });
    expect(transformer.transform(structuredClone(opaque), context(secrets))).toEqual(opaque);
    const valid = dockerConfig('{"auths":{"registry.example":{"auth":"dXNlcjpwYXNz"}}}');
    const out = transformer.transform(structuredClone(valid), context(secrets));
    expect(isTransformSkip(out)).toBe(false);
    expect(out).toEqual(valid);
  });

  it.each([
    ['no key', secret('kubernetes.io/dockerconfigjson', { other: b64('{}') }), 'no .dockerconfigjson key'],
    [
      'not base64',
      secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '%%%not-base64' }),
      'not base64',
    ],
    ['not JSON', dockerConfig('{"auths":'), 'content is not JSON'],
    ['no auths', dockerConfig('{"registry.example":{"auth":"x"}}'), 'no "auths" object'],
    ['auths not an object', dockerConfig('{"auths":["x"]}'), 'no "auths" object'],
    ['JSON null', dockerConfig('null'), 'no "auths" object'],
  ])('rejects a malformed dockerconfigjson (%s) with Invalid', (_case, object, detail) => {
    let error: unknown;
    try {
      transformer.transform(object, context(secrets));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TmcError);
    expect(error).toMatchObject({ type: TmcErrorType.Invalid, retryable: false });
    expect((error as TmcError).message).toContain(detail);
    expect((error as TmcError).causes[0]?.field).toBe('data[.dockerconfigjson]');
  });

  it('reads stringData as written by hand', () => {
    const ok = secret('kubernetes.io/dockerconfigjson', undefined, { '.dockerconfigjson': '{"auths":{}}' });
    expect(() => validateDockerConfigJson(ok)).not.toThrow();
    const bad = secret('kubernetes.io/dockerconfigjson', undefined, { '.dockerconfigjson': '{}' });
    expect(() => validateDockerConfigJson(bad)).toThrow(/no "auths" object/);
  });

  it('does not validate on the way up (the status path never writes secret data)', () => {
    const bad = dockerConfig('not json');
    expect(transformer.transform(bad, context(secrets, 'up'))).toBe(bad);
  });
});

describe('serviceAccountTokenFilter', () => {
  it('filters token secrets out and nothing else, deleting nothing downstream', async () => {
    const token = secret('kubernetes.io/service-account-token');
    expect(await serviceAccountTokenFilter.shouldSync(token, context(secrets))).toBe(false);
    expect(await serviceAccountTokenFilter.shouldSync(secret('Opaque'), context(secrets))).toBe(true);
    const notASecret = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      type: 'kubernetes.io/service-account-token',
      metadata: {},
    };
    expect(await serviceAccountTokenFilter.shouldSync(notASecret, context(configmaps))).toBe(true);
    expect(await serviceAccountTokenFilter.shouldDelete?.(token, context(secrets))).toBe(false);
  });
});
