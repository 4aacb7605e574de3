import { type FieldError, fieldForbidden, fieldInvalid, fieldRequired, fieldTooLong } from '../status.js';
import type { Strategy, StrategyContext } from '../strategy.js';
import { isPlainObject, jsonEqual, type KubeObject } from '../types.js';
import { MAX_CONFIG_BYTES } from '../validation.js';
import { defaultPodSpec, validatePodSpec } from './pod-defaults.js';

type Obj = Record<string, unknown>;

export const namespaceStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.spec = { finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
    // The apiserver labels every namespace with its own name (NamespaceDefaultLabelName).
    obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
  },
  prepareForUpdate(obj, old) {
    obj.spec = old.spec;
    obj.status = old.status;
    obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
  },
};

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function validateConfigData(obj: KubeObject, fields: string[], decode: (v: string) => number): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const f of fields) {
    const data = obj[f];
    if (!isPlainObject(data)) continue;
    for (const [k, v] of Object.entries(data)) {
      if (!CONFIG_KEY.test(k) || k.length > 253) {
        errs.push(
          fieldInvalid(
            `${f}[${k}]`,
            k,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
          ),
        );
      }
      total += typeof v === 'string' ? (f === 'binaryData' || f === 'data' ? decode(v) : v.length) : 0;
    }
  }
  if (total > MAX_CONFIG_BYTES) errs.push(fieldTooLong('', MAX_CONFIG_BYTES));
  return errs;
}

function validateImmutableData(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  for (const f of fields) {
    if (!jsonEqual(obj[f], old[f]))
      errs.push(fieldForbidden(f, 'field is immutable when `immutable` is set'));
  }
  if (obj.immutable !== true)
    errs.push(fieldForbidden('immutable', 'field is immutable when `immutable` is set'));
  return errs;
}

export const configMapStrategy: Strategy = {
  validate: (obj) => validateConfigData(obj, ['data', 'binaryData'], (v) => v.length),
  validateUpdate: (obj, old) => validateImmutableData(obj, old, ['data', 'binaryData']),
};

export const secretStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.type ??= 'Opaque';
    foldStringData(obj);
  },
  prepareForUpdate(obj) {
    foldStringData(obj);
  },
  validate: (obj) => validateConfigData(obj, ['data'], (v) => Buffer.byteLength(v, 'base64')),
  validateUpdate(obj, old) {
    const errs = validateImmutableData(obj, old, ['data']);
    if (obj.type !== old.type) errs.push(fieldInvalid('type', obj.type, 'field is immutable'));
    return errs;
  },
};

/** stringData is write-only: the apiserver folds it into data (base64) on every write. */
function foldStringData(obj: KubeObject): void {
  if (!isPlainObject(obj.stringData)) return;
  const data: Obj = isPlainObject(obj.data) ? { ...obj.data } : {};
  for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
  obj.data = data;
  delete obj.stringData;
}

export const podStrategy: Strategy = {
  prepareForCreate(obj) {
    if (!isPlainObject(obj.spec)) obj.spec = {};
    defaultPodSpec(obj.spec as Obj);
    (obj.spec as Obj).enableServiceLinks ??= true;
    (obj.spec as Obj).priority ??= 0;
    obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    if (isPlainObject(obj.spec)) defaultPodSpec(obj.spec);
  },
  validate: (obj) => validatePodSpec(obj.spec, 'spec'),
  validateUpdate(obj, old) {
    // Pod specs are immutable except container images (and a few fields the simulator leaves alone).
    const strip = (spec: unknown) => {
      if (!isPlainObject(spec)) return spec;
      const copy: Obj = { ...spec };
      for (const k of ['containers', 'initContainers']) {
        if (Array.isArray(copy[k])) {
          copy[k] = (copy[k] as unknown[]).map((c) => (isPlainObject(c) ? { ...c, image: undefined } : c));
        }
      }
      delete copy.activeDeadlineSeconds;
      delete copy.tolerations;
      delete copy.terminationGracePeriodSeconds;
      return copy;
    };
    if (!jsonEqual(strip(obj.spec), strip(old.spec))) {
      return [
        fieldForbidden(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
      ];
    }
    return [];
  },
};

function servicePorts(obj: KubeObject): Obj[] {
  const spec = obj.spec as Obj | undefined;
  return Array.isArray(spec?.ports) ? (spec.ports as unknown[]).filter(isPlainObject) : [];
}

export const serviceStrategy: Strategy = {
  prepareForCreate(obj) {
    if (!isPlainObject(obj.spec)) obj.spec = {};
    const spec = obj.spec as Obj;
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (spec.type !== 'ExternalName') {
      spec.internalTrafficPolicy ??= 'Cluster';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
    for (const p of servicePorts(obj)) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
    obj.status = { loadBalancer: {} };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    if (!isPlainObject(obj.spec)) obj.spec = {};
    const spec = obj.spec as Obj;
    const oldSpec = old.spec as Obj;
    // An update that leaves allocated values out keeps them (patchAllocatedValues).
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && oldSpec.clusterIP) {
      spec.clusterIP = oldSpec.clusterIP;
      spec.clusterIPs ??= oldSpec.clusterIPs;
    }
    if (spec.clusterIPs === undefined && oldSpec.clusterIPs !== undefined)
      spec.clusterIPs = oldSpec.clusterIPs;
    spec.type ??= oldSpec.type;
    spec.sessionAffinity ??= oldSpec.sessionAffinity;
    spec.ipFamilies ??= oldSpec.ipFamilies;
    spec.ipFamilyPolicy ??= oldSpec.ipFamilyPolicy;
    spec.internalTrafficPolicy ??= oldSpec.internalTrafficPolicy;
    const oldPorts = Array.isArray(oldSpec.ports) ? (oldSpec.ports as Obj[]) : [];
    for (const p of servicePorts(obj)) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
      if (p.nodePort === undefined) {
        const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === p.protocol);
        if (match?.nodePort !== undefined) p.nodePort = match.nodePort;
      }
    }
  },
  validate(obj) {
    const spec = obj.spec as Obj;
    const errs: FieldError[] = [];
    const ports = servicePorts(obj);
    const headless = spec.clusterIP === 'None';
    if (spec.type !== 'ExternalName' && ports.length === 0 && !headless)
      errs.push(fieldRequired('spec.ports', ''));
    ports.forEach((p, i) => {
      if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
        errs.push(
          fieldInvalid(`spec.ports[${i}].port`, p.port ?? 0, 'must be between 1 and 65535, inclusive'),
        );
      }
      if (ports.length > 1 && !p.name) errs.push(fieldRequired(`spec.ports[${i}].name`, ''));
    });
    const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
    if (typeof spec.type === 'string' && !types.includes(spec.type)) {
      errs.push({
        type: 'FieldValueNotSupported',
        field: 'spec.type',
        body: `Unsupported value: "${spec.type}": supported values: ${types.map((t) => `"${t}"`).join(', ')}`,
      });
    }
    return errs;
  },
  validateUpdate(obj, old) {
    const spec = obj.spec as Obj;
    const oldSpec = old.spec as Obj;
    const errs: FieldError[] = [];
    if (oldSpec.clusterIP && spec.type !== 'ExternalName' && spec.clusterIP !== oldSpec.clusterIP) {
      errs.push(
        fieldInvalid('spec.clusterIPs[0]', spec.clusterIPs ?? [spec.clusterIP], 'may not change once set'),
      );
    }
    return errs;
  },
  allocate(obj, old, ctx) {
    const spec = obj.spec as Obj;
    const errs: FieldError[] = [];
    if (spec.type !== 'ExternalName' && !old) {
      if (spec.clusterIP !== 'None') {
        const ip = ctx.services.allocateClusterIP(
          ctx.cluster,
          (spec.clusterIP as string | undefined) || undefined,
        );
        if (typeof ip !== 'string') errs.push(ip);
        else {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      } else {
        spec.clusterIPs = ['None'];
      }
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const oldPorts = new Set(old ? servicePorts(old).map((p) => p.nodePort) : []);
      servicePorts(obj).forEach((p, i) => {
        if (p.nodePort !== undefined && oldPorts.has(p.nodePort)) return;
        const port = ctx.services.allocateNodePort(ctx.cluster, p.nodePort as number | undefined);
        if (typeof port === 'number') p.nodePort = port;
        else errs.push({ ...port, field: `spec.ports[${i}].nodePort` });
      });
    }
    return errs;
  },
  release(obj, ctx: StrategyContext) {
    const spec = obj.spec as Obj;
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None')
      ctx.services.releaseClusterIP(ctx.cluster, spec.clusterIP);
    for (const p of servicePorts(obj))
      if (typeof p.nodePort === 'number') ctx.services.releaseNodePort(ctx.cluster, p.nodePort);
  },
};

export const persistentVolumeClaimStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending' };
    if (isPlainObject(obj.spec)) obj.spec.volumeMode ??= 'Filesystem';
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
};

export const persistentVolumeStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending' };
    if (isPlainObject(obj.spec)) {
      obj.spec.persistentVolumeReclaimPolicy ??= 'Retain';
      obj.spec.volumeMode ??= 'Filesystem';
    }
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
};
