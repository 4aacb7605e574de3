import { type FieldError, fieldInvalid, fieldRequired } from '../status.js';
import type { Strategy } from '../strategy.js';
import { isPlainObject, type KubeObject } from '../types.js';
import { dns1035LabelErrors } from '../validation.js';

type Obj = Record<string, unknown>;

function names(obj: KubeObject): Obj {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  return isPlainObject(spec.names) ? spec.names : {};
}

function defaultNames(obj: KubeObject): void {
  const n = names(obj);
  if (typeof n.kind === 'string') {
    n.singular ??= n.kind.toLowerCase();
    n.listKind ??= `${n.kind}List`;
  }
}

function establishedStatus(obj: KubeObject, now: string): Obj {
  const spec = obj.spec as Obj;
  const versions = Array.isArray(spec.versions) ? (spec.versions as Obj[]) : [];
  const storage = versions.find((v) => v.storage === true)?.name;
  return {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: now,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: now,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: { ...names(obj) },
    storedVersions: storage ? [storage] : [],
  };
}

/** CustomResourceDefinition: defaulting, the validation that matters for serving, immediate establishment. */
export const crdStrategy: Strategy = {
  prepareForCreate(obj, ctx) {
    defaultNames(obj);
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
      if (isPlainObject(v)) v.served ??= true;
    }
    spec.conversion ??= { strategy: 'None' };
    obj.status = establishedStatus(obj, ctx.now);
  },
  prepareForUpdate(obj, old) {
    defaultNames(obj);
    obj.status = old.status;
  },
  validate(obj) {
    const errs: FieldError[] = [];
    const spec = isPlainObject(obj.spec) ? obj.spec : undefined;
    if (!spec) return [fieldRequired('spec', '')];
    const group = spec.group;
    const n = names(obj);
    if (typeof group !== 'string' || group === '') errs.push(fieldRequired('spec.group', ''));
    else if (!group.includes('.'))
      errs.push(fieldInvalid('spec.group', group, 'should be a domain with at least one dot'));
    if (typeof n.plural !== 'string' || n.plural === '') errs.push(fieldRequired('spec.names.plural', ''));
    else
      for (const e of dns1035LabelErrors(n.plural)) errs.push(fieldInvalid('spec.names.plural', n.plural, e));
    if (typeof n.kind !== 'string' || n.kind === '') errs.push(fieldRequired('spec.names.kind', ''));
    if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
      errs.push({
        type: 'FieldValueNotSupported',
        field: 'spec.scope',
        body: `Unsupported value: "${String(spec.scope ?? '')}": supported values: "Cluster", "Namespaced"`,
      });
    }
    if (
      typeof group === 'string' &&
      typeof n.plural === 'string' &&
      obj.metadata.name !== `${n.plural}.${group}`
    ) {
      errs.push(fieldInvalid('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group'));
    }
    const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
    if (versions.length === 0)
      errs.push(fieldRequired('spec.versions', 'must have exactly one version marked as storage version'));
    else if (versions.filter((v) => v.storage === true).length !== 1) {
      errs.push(
        fieldInvalid(
          'spec.versions',
          versions.map((v) => v.name),
          'must have exactly one version marked as storage version',
        ),
      );
    }
    return errs;
  },
};
