import {
  type FieldRequirement,
  type LabelSelector,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../store/selectors.js';
import type { ObjectStore } from '../store/store.js';
import { grKey, type ResourceType } from './resource-type.js';
import { badRequest, expired } from './status.js';
import type { ListOptions, Target } from './target.js';
import type { KubeObject } from './types.js';

export interface ListedObject {
  cluster: string;
  object: KubeObject;
}

export interface ListResult {
  items: ListedObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A compiled label + field selector for one resource. */
export interface ObjectFilter {
  labels: LabelSelector;
  fields: FieldRequirement[];
  matches(object: KubeObject): boolean;
}

export function compileFilter(
  rt: ResourceType,
  labelSelector?: string,
  fieldSelector?: string,
): ObjectFilter {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(fieldSelector);
  const getters = fields.map((f) => {
    if (f.field === 'metadata.name') return (o: KubeObject) => o.metadata.name ?? '';
    if (f.field === 'metadata.namespace') return (o: KubeObject) => o.metadata.namespace ?? '';
    const getter = rt.fieldSelectors[f.field];
    if (!getter) {
      throw badRequest(
        rt.builtin
          ? `field label not supported: ${f.field}`
          : `"${f.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    return (o: KubeObject) => getter(o) ?? '';
  });
  return {
    labels,
    fields,
    matches(object) {
      if (labels.length > 0 && !matchesLabels(labels, object.metadata.labels)) return false;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        const v = getters[i]!(object);
        if (f.op === '=' ? v !== f.value : v === f.value) return false;
      }
      return true;
    },
  };
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') {
      throw new Error('bad token');
    }
    return parsed;
  } catch {
    throw badRequest(`continue key is not valid: illegal base64 data or unrecognized continue token`);
  }
}

export const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function sortKey(cluster: string, o: KubeObject): string {
  return `${cluster}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Lists objects in key order, with selectors and limit/continue paging. */
export function listObjects(store: ObjectStore, target: Target, options: ListOptions): ListResult {
  const filter = compileFilter(target.rt, options.labelSelector, options.fieldSelector);
  let start = '';
  let rv = store.resourceVersion;
  if (options.continue) {
    const token = decodeContinue(options.continue);
    if (token.rv < store.compacted) throw expired(CONTINUE_EXPIRED);
    start = token.start;
    rv = token.rv;
  }
  const matched: ListedObject[] = [];
  for (const entry of store.list(target.cluster, grKey(target.rt), target.namespace)) {
    if (!filter.matches(entry.object)) continue;
    if (target.visible && !target.visible(entry.cluster, entry.object)) continue;
    matched.push(entry);
  }
  let keyed = matched.map((e) => ({ key: sortKey(e.cluster, e.object), e }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (start) keyed = keyed.filter((k) => k.key > start);
  // A view keeps names, so it applies to the returned page only (a paged list of many objects stays cheap).
  const shown = (k: { e: ListedObject }): ListedObject =>
    target.view ? { ...k.e, object: target.view.read(k.e.object) } : k.e;
  const limit = options.limit && options.limit > 0 ? options.limit : undefined;
  if (limit === undefined || keyed.length <= limit) {
    return { items: keyed.map(shown), resourceVersion: String(rv) };
  }
  const page = keyed.slice(0, limit);
  const result: ListResult = {
    items: page.map(shown),
    resourceVersion: String(rv),
    continue: encodeContinue(rv, `${page[page.length - 1]!.key}\u0000`),
  };
  // kube-apiserver reports the remaining count only when no selector filtered the list.
  if (filter.labels.length === 0 && filter.fields.length === 0)
    result.remainingItemCount = keyed.length - limit;
  return result;
}
