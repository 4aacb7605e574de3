import type { IncomingMessage, ServerResponse } from 'node:http';
import { groupVersion } from '../api/resource-type.js';
import { badRequest } from '../api/status.js';
import {
  buildTable,
  crdPrinterColumns,
  type IncludeObject,
  type TableConvertor,
  type TableListMeta,
  type TableOptions,
  tableConvertorFor,
} from '../api/table/convert.js';
import type { Target } from '../api/target.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../store/store.js';
import { present, sendJson } from './respond.js';

const CRD_GR = 'apiextensions.k8s.io/customresourcedefinitions';

/**
 * The Table version an Accept header asks for, taking media types in the client's order as the apiserver's
 * negotiation does (kubectl sends Table v1, Table v1beta1, then plain JSON); undefined for a plain answer.
 */
export function acceptedTableVersion(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  if (!accept) return undefined;
  for (const clause of accept.split(',')) {
    const [type, ...params] = clause.split(';').map((s) => s.trim());
    const p = new Map(
      params.map((x) => {
        const i = x.indexOf('=');
        return [x.slice(0, i).trim(), x.slice(i + 1).trim()] as const;
      }),
    );
    const as = p.get('as');
    if (as === undefined) {
      if (type === 'application/json' || type === '*/*' || type === 'application/*') return undefined;
      continue;
    }
    const v = p.get('v');
    if (as === 'Table' && p.get('g') === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1')) return v;
  }
  return undefined;
}

/** Table options from the request, or undefined when the client wants the objects themselves. */
export function tableRequest(req: IncomingMessage, query: URLSearchParams): TableOptions | undefined {
  const version = acceptedTableVersion(req.headers.accept);
  if (!version) return undefined;
  const include = query.get('includeObject') ?? 'Metadata';
  if (!['None', 'Metadata', 'Object', ''].includes(include))
    throw badRequest(`unrecognized includeObject value: "${include}"`);
  return { version, includeObject: (include || 'Metadata') as IncludeObject };
}

/** The resource's convertor; custom resources take their CRD's printer columns at the requested version. */
export function convertorFor(store: ObjectStore, target: Target): TableConvertor {
  const rt = target.rt;
  if (rt.builtin) return tableConvertorFor(rt, undefined);
  const name = `${rt.resource}.${rt.group}`;
  const crd =
    target.cluster === '*'
      ? [...store.list('*', CRD_GR)].find((e) => e.object.metadata.name === name)?.object
      : store.get(target.cluster, CRD_GR, '', name);
  return tableConvertorFor(rt, crd ? crdPrinterColumns(crd, target.version) : undefined);
}

/** Answers a get or list with a Table. */
export function sendTable(
  res: ServerResponse,
  store: ObjectStore,
  target: Target,
  options: TableOptions,
  objects: KubeObject[],
  meta: TableListMeta,
): void {
  const apiVersion = groupVersion(target.rt.group, target.version);
  const shown = objects.map((o) => present(o, apiVersion));
  sendJson(res, 200, buildTable(convertorFor(store, target), shown, meta, options));
}
