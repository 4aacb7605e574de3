import {
  isServiceAccountTokenSecret,
  type KubeObject,
  type ResourceTransformer,
  type SyncContext,
  type SyncFilter,
  skipTransform,
  TmcError,
  TmcErrorType,
  type TransformOutput,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { isSecrets } from '../gvrs.js';
import { DefaultTransformerNames } from '../names.js';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';

function isSecret(object: KubeObject, context: SyncContext): boolean {
  return isSecrets(context.gvr) || (object.kind === 'Secret' && object.apiVersion === 'v1');
}

function isTokenSecret(object: KubeObject): boolean {
  return isServiceAccountTokenSecret({ type: object.type });
}

function invalid(object: KubeObject, detail: string): TmcError {
  return new TmcError({
    type: TmcErrorType.Invalid,
    message: `secret ${object.metadata.name ?? ''} of type ${DOCKER_CONFIG_JSON_TYPE}: ${detail}`,
    causes: [{ type: 'FieldValueInvalid', field: `data[${DOCKER_CONFIG_JSON_KEY}]`, message: detail }],
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Throws TmcError Invalid unless a `kubernetes.io/dockerconfigjson` secret holds, under `.dockerconfigjson`, base64
 * of a JSON object with an `auths` object (or the same JSON in `stringData`, as written by hand).
 */
export function validateDockerConfigJson(secret: KubeObject): void {
  const data = secret.data as Record<string, unknown> | undefined;
  const stringData = secret.stringData as Record<string, unknown> | undefined;
  let json: string;
  const encoded = data?.[DOCKER_CONFIG_JSON_KEY];
  const plain = stringData?.[DOCKER_CONFIG_JSON_KEY];
  if (typeof plain === 'string') json = plain;
  else if (typeof encoded === 'string') {
    const compact = encoded.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw invalid(secret, 'data is not base64');
    json = Buffer.from(compact, 'base64').toString('utf8');
  } else {
    throw invalid(secret, `no ${DOCKER_CONFIG_JSON_KEY} key`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid(secret, 'content is not JSON');
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof auths !== 'object' ||
    auths === null ||
    Array.isArray(auths)
  ) {
    throw invalid(secret, 'content has no "auths" object');
  }
}

/**
 * Service-account token secrets never sync (their tokens are only valid against the upstream; the downstream
 * mints its own): they are skipped, in both directions. A malformed dockerconfigjson secret fails with Invalid
 * (not retried until the secret changes), since the downstream would reject or, worse, accept it broken.
 * The engine should also register {@link serviceAccountTokenFilter}, so token secrets never reach the pipeline.
 */
@injectable()
export class SecretsTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Secrets;

  shouldTransform(object: KubeObject, context: SyncContext): boolean {
    return isSecret(object, context);
  }

  transform(object: KubeObject, context: SyncContext): TransformOutput {
    if (isTokenSecret(object)) return skipTransform('service-account token secrets are never synced');
    if (context.direction === 'down' && object.type === DOCKER_CONFIG_JSON_TYPE)
      validateDockerConfigJson(object);
    return object;
  }
}

/** Keeps service-account token secrets out of the sync altogether (and deletes none downstream: we never made them). */
export const serviceAccountTokenFilter: SyncFilter = {
  name: 'service-account-tokens',
  // Cheap and absolute: before any filter that might cost a lookup.
  priority: -1000,
  shouldSync: (object, context) => !(isSecret(object, context) && isTokenSecret(object)),
  shouldDelete: () => false,
};
