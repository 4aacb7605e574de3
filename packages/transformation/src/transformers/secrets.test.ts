import { isTransformSkip, type KubeObject, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { configmaps, context, secrets } from '../../test/support/fixtures.js';
import { SecretsTransformer, validateDockerConfigJson } from './secrets.js';

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
  it('applies to secrets on the way down only (the status path never writes secret data)', () => {
    expect(transformer.shouldTransform(secret('Opaque'), context(secrets))).toBe(true);
    expect(transformer.shouldTransform(secret('Opaque'), context(secrets, 'up'))).toBe(false);
    expect(transformer.shouldTransform({ metadata: { name: 'x' } }, context(configmaps))).toBe(false);
  });

  // kcp: pkg/syncer/spec/mutators/secrets.go; ground-truth/go-syncer/downstream-ns-*.json `kcp-default-token-*`.
  it('turns a service-account token secret Opaque and drops the service-account annotations', () => {
    const token = secret('kubernetes.io/service-account-token', { token: b64('t') });
    token.metadata.annotations = {
      'kubernetes.io/service-account.name': 'default',
      'kubernetes.io/service-account.uid': 'cc51c012',
      note: 'kept',
    };
    const out = transformer.transform(structuredClone(token));
    expect(out).toEqual({
      ...token,
      type: 'Opaque',
      metadata: { ...token.metadata, annotations: { note: 'kept' } },
    });
    token.metadata.annotations = { 'kubernetes.io/service-account.name': 'default' };
    expect(transformer.transform(structuredClone(token)).metadata).toEqual({
      name: 'pull',
      namespace: 'test',
    });
    // kcp keys on the annotation, not the type: a token-typed secret without it is left as it is.
    const bare = secret('kubernetes.io/service-account-token');
    expect(transformer.transform(structuredClone(bare))).toEqual(bare);
  });

  it('passes opaque secrets and valid dockerconfigjson secrets through unchanged', () => {
    const opaque = secret('Opaque', { a: b64('b') });
    expect(transformer.transform(structuredClone(opaque))).toEqual(opaque);
    const valid = dockerConfig('{"auths":{"registry.example":{"auth":"dXNlcjpwYXNz"}}}');
    const out = transformer.transform(structuredClone(valid));
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
      transformer.transform(object);
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
});
