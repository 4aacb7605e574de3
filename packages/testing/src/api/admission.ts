import type { ObjectStore } from '../store/store.js';
import { groupVersion, type ResourceType } from './resource-type.js';
import { badRequest, type FieldError, forbidden, invalid, notFound } from './status.js';
import { strategyFor } from './strategies/index.js';
import type { StrategyContext } from './strategy.js';
import type { Target } from './target.js';
import { isPlainObject, type KubeObject } from './types.js';
import { MAX_OBJECT_BYTES, validateObjectMeta } from './validation.js';
import { newFinalizerErrors, serializedSize } from './write-helpers.js';

// Admission for writes, as kube-apiserver runs it before storage: the target namespace exists and is not
// terminating, the body names the kind and version the URL does, and the object passes metadata and
// strategy validation and the size limit.

const NAMESPACES = '/namespaces';

export function checkNamespace(
  store: ObjectStore,
  cluster: string,
  rt: ResourceType,
  namespace: string,
  name: string,
): void {
  const ns = store.get(cluster, NAMESPACES, '', namespace);
  if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(
      rt,
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
      [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    );
  }
}

export function checkBodyIdentity(target: Target, body: KubeObject): void {
  const rt = target.rt;
  const gv = groupVersion(rt.group, target.version);
  if (body.apiVersion !== undefined && body.apiVersion !== gv) {
    throw badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`,
    );
  }
  if (body.kind !== undefined && body.kind !== rt.kind) {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${rt.kind})`);
  }
  if (!isPlainObject(body.metadata)) body.metadata = {};
  if (
    rt.namespaced &&
    body.metadata.namespace !== undefined &&
    body.metadata.namespace !== '' &&
    target.namespace !== undefined &&
    body.metadata.namespace !== target.namespace
  ) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

export function validateWrite(
  rt: ResourceType,
  obj: KubeObject,
  ctx: StrategyContext,
  old?: KubeObject,
): void {
  const strategy = strategyFor(rt);
  const errs: FieldError[] = validateObjectMeta(obj, rt.nameFormat, rt.namespaced);
  errs.push(...(strategy.validate?.(obj, ctx) ?? []));
  if (old) {
    errs.push(...newFinalizerErrors(obj, old));
    errs.push(...(strategy.validateUpdate?.(obj, old, ctx) ?? []));
  }
  if (errs.length > 0) throw invalid(rt.group, rt.kind, obj.metadata.name ?? '', errs);
  if (serializedSize(obj) > MAX_OBJECT_BYTES) {
    throw invalid(rt.group, rt.kind, obj.metadata.name ?? '', [
      {
        type: 'FieldValueTooLong',
        field: '',
        body: `Too long: must have at most ${MAX_OBJECT_BYTES} bytes`,
      },
    ]);
  }
}
