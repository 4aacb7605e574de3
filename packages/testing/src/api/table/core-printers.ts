import { arr, formatLabels, int, obj, since, str } from './format.js';
import type { RowPrinter } from './types.js';

type Obj = Record<string, unknown>;

const LB_WIDTH = 16;

/** Load-balancer ingress points, sorted and de-duplicated as a Go string set, clipped unless wide. */
export function loadBalancerCell(status: unknown, wide: boolean): string {
  const set = new Set<string>();
  for (const i of arr(obj(status).ingress)) {
    const v = str(i.ip) || str(i.hostname);
    if (v) set.add(v);
  }
  const r = [...set].sort().join(',');
  return !wide && r.length > LB_WIDTH ? `${r.slice(0, LB_WIDTH - 3)}...` : r;
}

function serviceExternalIP(spec: Obj, status: Obj): string {
  const external = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(String) : [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerCell(status.loadBalancer, true);
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

const printService: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const ports = arr(spec.ports)
    .map((p) =>
      int(p.nodePort) > 0
        ? `${int(p.port)}:${int(p.nodePort)}/${str(p.protocol)}`
        : `${int(p.port)}/${str(p.protocol)}`,
    )
    .join(',');
  const clusterIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(String) : [];
  return {
    cells: [
      str(obj(o.metadata).name),
      str(spec.type),
      clusterIPs[0] ?? '<none>',
      serviceExternalIP(spec, obj(o.status)),
      ports || '<none>',
      since(obj(o.metadata).creationTimestamp, now),
      formatLabels(spec.selector),
    ],
  };
};

function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The ENDPOINTS cell: up to three addresses, then "+ N more...". */
function endpointsCell(subsets: Obj[]): string {
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = arr(ss.addresses);
    const ports = arr(ss.ports);
    const pairs: string[][] =
      ports.length === 0
        ? [addresses.map((a) => str(a.ip))]
        : ports.map((p) => addresses.map((a) => joinHostPort(str(a.ip), int(p.port))));
    for (const group of pairs) {
      count += group.length;
      for (const entry of group) {
        if (list.length === 3) {
          more = true;
          break;
        }
        list.push(entry);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - 3} more...` : ret;
}

const name = (o: Obj): string => str(obj(o.metadata).name);
const age = (o: Obj, now: number): string => since(obj(o.metadata).creationTimestamp, now);
const count = (v: unknown): number => Object.keys(obj(v)).length;

function nodeRoles(labels: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && str(v) !== '') roles.add(str(v));
  }
  return [...roles].sort().join(',') || '<none>';
}

const printNode: RowPrinter = (o, now) => {
  const status = obj(o.status);
  const readyCond = arr(status.conditions).find((c) => c.type === 'Ready');
  const states = readyCond ? [readyCond.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
  if (obj(o.spec).unschedulable === true) states.push('SchedulingDisabled');
  const info = obj(status.nodeInfo);
  const address = (type: string) => str(arr(status.addresses).find((a) => a.type === type)?.address);
  return {
    cells: [
      name(o),
      states.join(','),
      nodeRoles(obj(obj(o.metadata).labels)),
      age(o, now),
      str(info.kubeletVersion),
      address('InternalIP') || '<none>',
      address('ExternalIP') || '<none>',
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ],
  };
};

const printEvent: RowPrinter = (o, now) => {
  const first = o.firstTimestamp ? since(o.firstTimestamp, now) : since(o.eventTime, now);
  let last = o.lastTimestamp ? since(o.lastTimestamp, now) : first;
  let n = int(o.count);
  const series = o.series === undefined || o.series === null ? undefined : obj(o.series);
  if (series) {
    last = since(series.lastObservedTime, now);
    n = int(series.count);
  } else if (n === 0) n = 1;
  const involved = obj(o.involvedObject);
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  const source = obj(o.source);
  const component = str(source.component) || str(o.reportingController);
  const host = str(source.host) || str(o.reportingInstance);
  return {
    cells: [
      last,
      str(o.type),
      str(o.reason),
      target,
      str(involved.fieldPath),
      host ? `${component}, ${host}` : component,
      str(o.message).trim(),
      first,
      n,
      name(o),
    ],
  };
};

const ACCESS_MODES: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];
const accessModes = (v: unknown): string => {
  const modes = Array.isArray(v) ? v.map(String) : [];
  return ACCESS_MODES.filter(([m]) => modes.includes(m))
    .map(([, s]) => s)
    .join(',');
};
const storageClass = (o: Obj): string =>
  str(obj(obj(o.metadata).annotations)['volume.beta.kubernetes.io/storage-class']) ||
  str(obj(o.spec).storageClassName);
const terminatingPhase = (o: Obj): string =>
  obj(o.metadata).deletionTimestamp ? 'Terminating' : str(obj(o.status).phase);

const printPersistentVolume: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const claim = spec.claimRef ? `${str(obj(spec.claimRef).namespace)}/${str(obj(spec.claimRef).name)}` : '';
  return {
    cells: [
      name(o),
      String(obj(spec.capacity).storage ?? '0'),
      accessModes(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      terminatingPhase(o),
      claim,
      storageClass(o),
      str(spec.volumeAttributesClassName) || '<unset>',
      str(obj(o.status).reason),
      age(o, now),
      str(spec.volumeMode) || '<unset>',
    ],
  };
};

const printPersistentVolumeClaim: RowPrinter = (o, now) => {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const bound = str(spec.volumeName) !== '';
  return {
    cells: [
      name(o),
      terminatingPhase(o),
      str(spec.volumeName),
      bound ? String(obj(status.capacity).storage ?? '0') : '',
      bound ? accessModes(status.accessModes) : '',
      storageClass(o),
      str(spec.volumeAttributesClassName) || '<unset>',
      age(o, now),
      str(spec.volumeMode) || '<unset>',
    ],
  };
};

/** Row printers of the core (v1) group, by resource. */
export const CORE_PRINTERS: Record<string, RowPrinter> = {
  services: printService,
  endpoints: (o, now) => ({ cells: [name(o), endpointsCell(arr(o.subsets)), age(o, now)] }),
  configmaps: (o, now) => ({ cells: [name(o), count(o.data) + count(o.binaryData), age(o, now)] }),
  secrets: (o, now) => ({ cells: [name(o), str(o.type), count(o.data), age(o, now)] }),
  serviceaccounts: (o, now) => ({ cells: [name(o), age(o, now)] }),
  namespaces: (o, now) => ({ cells: [name(o), str(obj(o.status).phase), age(o, now)] }),
  nodes: printNode,
  events: printEvent,
  persistentvolumes: printPersistentVolume,
  persistentvolumeclaims: printPersistentVolumeClaim,
};
