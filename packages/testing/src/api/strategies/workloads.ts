import { matchesLabelSelectorObject } from '../../store/selectors.js';
import { type FieldError, fieldInvalid, fieldRequired } from '../status.js';
import type { Strategy } from '../strategy.js';
import { isPlainObject, type KubeObject } from '../types.js';
import {
  bumpGenerationOnAnnotations,
  deploymentStatusErrors,
  replicaSetStatusErrors,
} from './apps-status.js';
import { defaultPodTemplate, validatePodSpec } from './pod-defaults.js';

type Obj = Record<string, unknown>;

function spec(obj: KubeObject): Obj {
  if (!isPlainObject(obj.spec)) obj.spec = {};
  return obj.spec as Obj;
}

function goMap(m: unknown): string {
  if (!isPlainObject(m)) return 'map[string]string(nil)';
  return `map[string]string{${Object.entries(m)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `"${k}":"${String(v)}"`)
    .join(', ')}}`;
}

/** Selector present and matching the pod template labels (ValidateDeploymentSpec and friends). */
function validateSelectorAndTemplate(obj: KubeObject, restartPolicies?: string[]): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  const selector = s.selector as Parameters<typeof matchesLabelSelectorObject>[0];
  const template = isPlainObject(s.template) ? s.template : undefined;
  const labels = isPlainObject(template?.metadata)
    ? (template.metadata.labels as Record<string, string>)
    : undefined;
  if (!isPlainObject(selector)) errs.push(fieldRequired('spec.selector', ''));
  else if (!selector.matchLabels && !selector.matchExpressions) {
    errs.push(fieldInvalid('spec.selector', selector, 'empty selector is invalid for deployment'));
  } else if (!matchesLabelSelectorObject(selector, labels)) {
    errs.push(
      fieldInvalid(
        'spec.template.metadata.labels',
        goMap(labels),
        '`selector` does not match template `labels`',
      ),
    );
  }
  if (!template) errs.push(fieldRequired('spec.template', ''));
  else errs.push(...validatePodSpec(template.spec, 'spec.template.spec', restartPolicies));
  if (typeof s.replicas === 'number' && s.replicas < 0) {
    errs.push(fieldInvalid('spec.replicas', s.replicas, 'must be greater than or equal to 0'));
  }
  return errs;
}

function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const a = JSON.stringify((obj.spec as Obj | undefined)?.selector);
  const b = JSON.stringify((old.spec as Obj | undefined)?.selector);
  return a === b ? [] : [fieldInvalid('spec.selector', goMap(undefined), 'field is immutable')];
}

export const deploymentStrategy: Strategy = {
  // deploymentStatusStrategy resets only spec and labels: the controller records the revision annotation
  // with its status write, so that write leaves the generation alone.
  prepareForStatusUpdate(next, body) {
    if (isPlainObject(body.metadata?.annotations)) next.metadata.annotations = body.metadata.annotations;
  },
  prepareForCreate(obj) {
    const s = spec(obj);
    s.replicas ??= 1;
    s.strategy ??= {};
    const strategy = s.strategy as Obj;
    // SetDefaults_Deployment: an empty type (kubectl create deployment sends `strategy: {}`) is RollingUpdate.
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate')
      strategy.rollingUpdate ??= { maxUnavailable: '25%', maxSurge: '25%' };
    s.revisionHistoryLimit ??= 10;
    s.progressDeadlineSeconds ??= 600;
    defaultPodTemplate(s.template);
  },
  prepareForUpdate(obj, old) {
    const s = spec(obj);
    s.replicas ??= 1;
    defaultPodTemplate(s.template);
    bumpGenerationOnAnnotations(obj, old);
  },
  validate: (obj) => validateSelectorAndTemplate(obj, ['Always']),
  validateUpdate: (obj, old) => [...selectorImmutable(obj, old), ...deploymentStatusErrors(obj, old)],
};

export const replicaSetStrategy: Strategy = {
  prepareForCreate(obj) {
    spec(obj).replicas ??= 1;
    defaultPodTemplate(spec(obj).template);
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj) {
    spec(obj).replicas ??= 1;
    defaultPodTemplate(spec(obj).template);
  },
  validate: (obj) => validateSelectorAndTemplate(obj, ['Always']),
  validateUpdate: (obj, old) => [...selectorImmutable(obj, old), ...replicaSetStatusErrors(obj, old)],
};

export const statefulSetStrategy: Strategy = {
  prepareForCreate(obj) {
    const s = spec(obj);
    s.replicas ??= 1;
    s.podManagementPolicy ??= 'OrderedReady';
    s.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    s.revisionHistoryLimit ??= 10;
    s.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    defaultPodTemplate(s.template);
    obj.status = { replicas: 0, availableReplicas: 0 };
  },
  validate: (obj) => validateSelectorAndTemplate(obj, ['Always']),
  validateUpdate: (obj, old) => selectorImmutable(obj, old),
};

export const daemonSetStrategy: Strategy = {
  prepareForCreate(obj) {
    const s = spec(obj);
    s.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    s.revisionHistoryLimit ??= 10;
    defaultPodTemplate(s.template);
    obj.status = {
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    };
  },
  validate: (obj) => validateSelectorAndTemplate(obj, ['Always']),
  validateUpdate: (obj, old) => selectorImmutable(obj, old),
};

const JOB_UID_LABEL = 'batch.kubernetes.io/controller-uid';
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

export const jobStrategy: Strategy = {
  prepareForCreate(obj) {
    const s = spec(obj);
    s.parallelism ??= 1;
    s.completions ??= 1;
    s.backoffLimit ??= 6;
    s.completionMode ??= 'NonIndexed';
    s.suspend ??= false;
    s.podReplacementPolicy ??= 'TerminatingOrFailed';
    // The job strategy generates the selector and template labels unless manualSelector is set.
    if (s.manualSelector !== true) {
      const uid = obj.metadata.uid!;
      const name = obj.metadata.name!;
      s.selector = { matchLabels: { [JOB_UID_LABEL]: uid } };
      if (!isPlainObject(s.template)) s.template = {};
      const template = s.template as Obj;
      if (!isPlainObject(template.metadata)) template.metadata = {};
      const meta = template.metadata as Obj;
      meta.labels = {
        ...(meta.labels as Obj | undefined),
        [JOB_UID_LABEL]: uid,
        [JOB_NAME_LABEL]: name,
        'controller-uid': uid,
        'job-name': name,
      };
    }
    defaultPodTemplate(s.template);
  },
  validate(obj) {
    const s = spec(obj);
    const template = isPlainObject(s.template) ? s.template : undefined;
    if (!template) return [fieldRequired('spec.template', '')];
    const errs = validatePodSpec(template.spec, 'spec.template.spec', ['OnFailure', 'Never']);
    const rp = isPlainObject(template.spec) ? template.spec.restartPolicy : undefined;
    if (rp === undefined || rp === 'Always') {
      errs.push({
        type: 'FieldValueNotSupported',
        field: 'spec.template.spec.restartPolicy',
        body: `Unsupported value: "${String(rp ?? 'Always')}": supported values: "OnFailure", "Never"`,
      });
    }
    return errs;
  },
  validateUpdate(obj, old) {
    const a = JSON.stringify((obj.spec as Obj).template);
    const b = JSON.stringify((old.spec as Obj).template);
    return a === b ? [] : [fieldInvalid('spec.template', '', 'field is immutable')];
  },
};

export const cronJobStrategy: Strategy = {
  prepareForCreate(obj) {
    const s = spec(obj);
    s.concurrencyPolicy ??= 'Allow';
    s.suspend ??= false;
    s.successfulJobsHistoryLimit ??= 3;
    s.failedJobsHistoryLimit ??= 1;
    const jt = isPlainObject(s.jobTemplate) ? s.jobTemplate : undefined;
    if (jt && isPlainObject(jt.spec)) defaultPodTemplate(jt.spec.template);
  },
  validate(obj) {
    const s = spec(obj);
    const errs: FieldError[] = [];
    if (typeof s.schedule !== 'string' || s.schedule === '') errs.push(fieldRequired('spec.schedule', ''));
    if (!isPlainObject(s.jobTemplate)) errs.push(fieldRequired('spec.jobTemplate', ''));
    return errs;
  },
};
