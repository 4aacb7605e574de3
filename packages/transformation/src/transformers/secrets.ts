import {
  type KubeObject,
  type ResourceTransformer,
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_UID_ANNOTATION,
  type SyncContext,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { isSecrets } from '../gvrs.js';
import { DefaultTransformerNames } from '../names.js';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
export const OPAQUE_SECRET_TYPE = 'Opaque';

function isSecret(object: KubeObject, context: SyncContext): boolean {
  return isSecrets(context.gvr) || (object.kind === 'Secret' && object.apiVersion === 'v1');
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
 * kcp's secret mutator (pkg/syncer/spec/mutators/secrets.go), on the way down: a Secret that names a service
 * account (`kubernetes.io/service-account.name`) becomes `Opaque`, so the downstream token controller neither
 * rewrites nor deletes it, and loses the service-account name and uid annotations (an emptied map goes). Pods
 * mount it through the `kcp-api-access` volume. A malformed dockerconfigjson secret fails with Invalid (not
 * retried until the secret changes), since the downstream would reject or, worse, accept it broken.
 */
@injectable()
export class SecretsTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Secrets;

  shouldTransform(object: KubeObject, context: SyncContext): boolean {
    return context.direction === 'down' && isSecret(object, context);
  }

  transform(object: KubeObject): KubeObject {
    const annotations = object.metadata.annotations;
    if (annotations !== undefined && Object.hasOwn(annotations, SERVICE_ACCOUNT_NAME_ANNOTATION)) {
      object.type = OPAQUE_SECRET_TYPE;
      const rest = { ...annotations };
      delete rest[SERVICE_ACCOUNT_NAME_ANNOTATION];
      delete rest[SERVICE_ACCOUNT_UID_ANNOTATION];
      if (Object.keys(rest).length > 0) object.metadata.annotations = rest;
      else delete object.metadata.annotations;
    }
    if (object.type === DOCKER_CONFIG_JSON_TYPE) validateDockerConfigJson(object);
    return object;
  }
}
