import { type FieldError, fieldInvalid, fieldNotSupported, fieldRequired } from '../status.js';
import { isPlainObject } from '../types.js';
import { dns1123LabelErrors } from '../validation.js';

type Obj = Record<string, unknown>;

function defaultContainer(c: Obj): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const image = c.image;
    const tagged = /:[^/]+$/.test(image.split('@')[0] ?? image) || image.includes('@');
    c.imagePullPolicy = !tagged || image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isPlainObject(p)) p.protocol ??= 'TCP';
}

/** Pod spec defaults as SetDefaults_PodSpec / SetDefaults_Container apply them. */
export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (isPlainObject(c)) defaultContainer(c);
  }
}

export function defaultPodTemplate(template: unknown): void {
  if (!isPlainObject(template)) return;
  // ObjectMeta.creationTimestamp is omitzero since Kubernetes 1.35: a template's zero (null) time is not shown.
  if (isPlainObject(template.metadata) && template.metadata.creationTimestamp === null)
    delete template.metadata.creationTimestamp;
  if (isPlainObject(template.spec)) defaultPodSpec(template.spec);
}

/** The subset of ValidatePodSpec the simulator enforces: containers present, named, with images. */
export function validatePodSpec(spec: unknown, path: string, restartPolicies?: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(spec)) return [fieldRequired(path, '')];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errs.push(fieldRequired(`${path}.containers`, ''));
  } else {
    const names = new Set<string>();
    containers.forEach((c, i) => {
      const p = `${path}.containers[${i}]`;
      if (!isPlainObject(c)) return;
      const name = c.name;
      if (typeof name !== 'string' || name === '') errs.push(fieldRequired(`${p}.name`, ''));
      else {
        for (const e of dns1123LabelErrors(name)) errs.push(fieldInvalid(`${p}.name`, name, e));
        if (names.has(name))
          errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, body: `Duplicate value: "${name}"` });
        names.add(name);
      }
      if (typeof c.image !== 'string' || c.image === '') errs.push(fieldRequired(`${p}.image`, ''));
    });
  }
  if (
    restartPolicies &&
    typeof spec.restartPolicy === 'string' &&
    !restartPolicies.includes(spec.restartPolicy)
  ) {
    errs.push(fieldNotSupported(`${path}.restartPolicy`, spec.restartPolicy, restartPolicies));
  }
  return errs;
}
