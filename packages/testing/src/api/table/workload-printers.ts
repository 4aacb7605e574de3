import { loadBalancerCell } from './core-printers.js';
import {
  arr,
  containerCells,
  formatLabelSelector,
  formatLabels,
  humanDuration,
  int,
  obj,
  selectorString,
  since,
  str,
} from './format.js';
import type { PrintedRow, RowPrinter, TableCell } from './types.js';

type Obj = Record<string, unknown>;

const name = (o: Obj): string => str(obj(o.metadata).name);
const age = (o: Obj, now: number): string => since(obj(o.metadata).creationTimestamp, now);
const template = (o: Obj): Obj => obj(obj(obj(o.spec).template).spec);

/** A pod-template workload's row: NAME, its own columns, AGE, then the wide CONTAINERS, IMAGES and SELECTOR. */
function templateRow(o: Obj, now: number, columns: TableCell[], podSpec: Obj, selector: string): PrintedRow {
  const [names, images] = containerCells(podSpec);
  return { cells: [name(o), ...columns, age(o, now), names, images, selector] };
}

const printDeployment: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const ready = `${int(status.readyReplicas)}/${int(spec.replicas)}`;
  const columns = [ready, int(status.updatedReplicas), int(status.availableReplicas)];
  return templateRow(o, now, columns, template(o), selectorString(spec.selector));
};

const printReplicaSet: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const columns = [int(spec.replicas), int(status.replicas), int(status.readyReplicas)];
  return templateRow(o, now, columns, template(o), formatLabelSelector(spec.selector));
};

const printStatefulSet: RowPrinter = (o, now) => {
  const [names, images] = containerCells(template(o));
  const ready = `${int(obj(o.status).readyReplicas)}/${int(obj(o.spec).replicas)}`;
  return { cells: [name(o), ready, age(o, now), names, images] };
};

const printDaemonSet: RowPrinter = (o, now) => {
  const status = obj(o.status);
  const columns = [
    int(status.desiredNumberScheduled),
    int(status.currentNumberScheduled),
    int(status.numberReady),
    int(status.updatedNumberScheduled),
    int(status.numberAvailable),
    formatLabels(template(o).nodeSelector),
  ];
  return templateRow(o, now, columns, template(o), formatLabelSelector(obj(o.spec).selector));
};

function jobStatus(o: Obj): string {
  const conditions = arr(obj(o.status).conditions);
  const holds = (type: string) => conditions.find((c) => c.type === type)?.status === 'True';
  if (holds('Complete')) return 'Complete';
  if (holds('Failed')) return 'Failed';
  if (obj(o.metadata).deletionTimestamp) return 'Terminating';
  if (holds('Suspended')) return 'Suspended';
  if (holds('FailureTarget')) return 'FailureTarget';
  if (holds('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

const printJob: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const succeeded = int(status.succeeded);
  const parallelism = int(spec.parallelism);
  const completions =
    typeof spec.completions === 'number'
      ? `${succeeded}/${spec.completions}`
      : parallelism > 1
        ? `${succeeded}/1 of ${parallelism}`
        : `${succeeded}/1`;
  const start = str(status.startTime);
  const end = str(status.completionTime);
  const duration =
    start === '' ? '' : humanDuration((end === '' ? now : Date.parse(end)) - Date.parse(start));
  const columns = [jobStatus(o), completions, duration];
  return templateRow(o, now, columns, template(o), formatLabelSelector(spec.selector));
};

const printCronJob: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const jobSpec = obj(obj(spec.jobTemplate).spec);
  const suspend = typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>';
  const columns = [
    str(spec.schedule),
    str(spec.timeZone) || '<none>',
    suspend,
    arr(status.active).length,
    status.lastScheduleTime ? since(status.lastScheduleTime, now) : '<none>',
  ];
  return templateRow(o, now, columns, obj(obj(jobSpec.template).spec), formatLabelSelector(jobSpec.selector));
};

function ingressHosts(rules: Obj[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    if (!more && str(rule.host) !== '') list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

const printIngress: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  return {
    cells: [
      name(o),
      str(spec.ingressClassName) || '<none>',
      ingressHosts(arr(spec.rules)),
      loadBalancerCell(obj(o.status).loadBalancer, true),
      arr(spec.tls).length > 0 ? '80, 443' : '80',
      age(o, now),
    ],
  };
};

const printIngressClass: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const p = spec.parameters === undefined ? undefined : obj(spec.parameters);
  const parameters = p
    ? `${str(p.kind)}${p.apiGroup !== undefined ? `.${str(p.apiGroup)}` : ''}/${str(p.name)}`
    : '<none>';
  return { cells: [name(o), str(spec.controller), parameters, age(o, now)] };
};

const printBinding: RowPrinter = (o, now) => {
  const ref = obj(o.roleRef);
  const subjects = arr(o.subjects);
  const of = (kind: string, text: (s: Obj) => string) =>
    subjects
      .filter((s) => s.kind === kind)
      .map(text)
      .join(', ');
  return {
    cells: [
      name(o),
      `${str(ref.kind)}/${str(ref.name)}`,
      age(o, now),
      of('User', (s) => str(s.name)),
      of('Group', (s) => str(s.name)),
      of('ServiceAccount', (s) => `${str(s.namespace)}/${str(s.name)}`),
    ],
  };
};

/** Row printers of the apps, batch, networking, rbac and coordination groups, by `group/resource`. */
export const WORKLOAD_PRINTERS: Record<string, RowPrinter> = {
  'apps/deployments': printDeployment,
  'apps/replicasets': printReplicaSet,
  'apps/statefulsets': printStatefulSet,
  'apps/daemonsets': printDaemonSet,
  'batch/jobs': printJob,
  'batch/cronjobs': printCronJob,
  'networking.k8s.io/ingresses': printIngress,
  'networking.k8s.io/ingressclasses': printIngressClass,
  'networking.k8s.io/networkpolicies': (o, now) => ({
    cells: [name(o), formatLabelSelector(obj(o.spec).podSelector), age(o, now)],
  }),
  'rbac.authorization.k8s.io/rolebindings': printBinding,
  'rbac.authorization.k8s.io/clusterrolebindings': printBinding,
  'coordination.k8s.io/leases': (o, now) => ({
    cells: [name(o), str(obj(o.spec).holderIdentity), age(o, now)],
  }),
};
