import { CRD_YAML, NS, PRINTING_YAML, WIDGET_YAML } from './manifests.js';
import { sortedLines } from './normalize.js';
import { exitAnd } from './projections.js';
import type { Step } from './step-types.js';

const n = ['-n', NS];

/** Kinds created by PRINTING_YAML, each listed with its server-side columns. */
const PRINTED_KINDS = [
  'ingresses',
  'networkpolicies',
  'roles',
  'rolebindings',
  'leases',
  'cronjobs',
  'statefulsets',
  'daemonsets',
  'serviceaccounts/robot',
  'endpoints/external',
  'services',
  'persistentvolumeclaims',
];

/** One object of each further kind, a CRD with printer columns and a custom resource, each printed. */
export const PRINTING_STEPS: Step[] = [
  {
    id: 'create -f (multi-document)',
    args: ['create', '-f', '-', '--validate=false'],
    stdin: PRINTING_YAML,
    project: exitAnd(sortedLines),
  },
  ...PRINTED_KINDS.map(
    (kind): Step => ({ id: `get ${kind} -o wide`, args: ['get', kind, '-o', 'wide', ...n] }),
  ),
  { id: 'create CRD', args: ['create', '-f', '-', '--validate=false'], stdin: CRD_YAML },
  {
    id: 'wait CRD Established',
    args: ['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=60s'],
  },
  {
    id: 'create custom resource',
    args: ['create', '-f', '-', '--validate=false'],
    stdin: WIDGET_YAML,
  },
  { id: 'get custom resource (printer columns)', args: ['get', 'widgets', ...n] },
  { id: 'get custom resource -o wide (short name)', args: ['get', 'wg', '-o', 'wide', ...n] },
  { id: 'get crd', args: ['get', 'crd', 'widgets.example.com'] },
];
