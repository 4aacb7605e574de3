import type { GVR } from '@kcp-tmc/interfaces';

/** The wildcard logical cluster of kcp: `/clusters/*` lists and watches across every logical cluster. */
export const WILDCARD_CLUSTER = '*';

/** Where one REST call goes, before the base URL. */
export interface ResourcePath {
  gvr: GVR;
  /** From discovery: namespaced resources take `/namespaces/<ns>/` unless listing across namespaces. */
  namespaced: boolean;
  /** Logical cluster (`/clusters/<name>`), `'*'`, or absent for the client's own base. */
  cluster?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

// A path segment must not be able to change the path's shape: no `/`, no dot segments, nothing empty.
function segment(kind: string, value: string): string {
  if (value === '' || value === '.' || value === '..' || value.includes('/')) {
    throw new TypeError(`invalid ${kind} "${value}" in a request path`);
  }
  // kcp cluster paths contain `:` (`root:org`), which is legal in a path segment; keep it readable.
  return encodeURIComponent(value).replaceAll('%3A', ':');
}

/** `/clusters/<name>`, or `''` when no cluster is named. */
export function clusterPrefix(cluster: string | undefined): string {
  if (cluster === undefined || cluster === '') return '';
  if (cluster === WILDCARD_CLUSTER) return '/clusters/*';
  return `/clusters/${segment('logical cluster', cluster)}`;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  if (group === '') return `/api/${segment('version', version)}`;
  return `/apis/${segment('group', group)}/${segment('version', version)}`;
}

/**
 * The path of a collection, an object or a subresource, relative to the base URL:
 * `[/clusters/<c>]/api(s)/<gv>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]`.
 * A namespaced resource without a namespace addresses all namespaces (lists and watches only); a
 * cluster-scoped resource ignores the namespace, as client-go's REST mapping does.
 */
export function resourcePath(p: ResourcePath): string {
  let path = clusterPrefix(p.cluster) + groupVersionPath(p.gvr.group, p.gvr.version);
  const namespace = p.namespaced && p.namespace !== undefined && p.namespace !== '' ? p.namespace : undefined;
  if (namespace !== undefined) path += `/namespaces/${segment('namespace', namespace)}`;
  path += `/${segment('resource', p.gvr.resource)}`;
  if (p.name !== undefined) {
    if (p.namespaced && namespace === undefined) {
      throw new TypeError(`${p.gvr.resource} "${p.name}" is namespaced: a namespace is required`);
    }
    path += `/${segment('name', p.name)}`;
    if (p.subresource !== undefined && p.subresource !== '') {
      path += `/${p.subresource
        .split('/')
        .map((s) => segment('subresource', s))
        .join('/')}`;
    }
  } else if (p.subresource !== undefined && p.subresource !== '') {
    throw new TypeError(`subresource "${p.subresource}" needs an object name`);
  }
  return path;
}

/** Query parameters: undefined values are left out, booleans and numbers become text. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  let search: URLSearchParams | undefined;
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    search ??= new URLSearchParams();
    search.append(key, String(value));
  }
  const text = search === undefined ? '' : search.toString();
  return text === '' ? '' : `?${text}`;
}

// Printable ASCII but `#` and `\\`: nothing a whole-URL parse would strip, or read as a fragment or separator.
const PLAIN_PATH = /^[\x21\x22\x24-\x5b\x5d-\x7e]*$/;
const SLASH = 0x2f;

/**
 * Joins a base URL (which may carry a path: a kcp workspace `/clusters/root:org` or a virtual workspace
 * `/services/syncer/<cluster>/<target>/<uid>`) and a request path (with its query).
 */
export function joinUrl(base: URL, pathAndQuery: string): URL {
  if (!pathAndQuery.startsWith('/'))
    throw new TypeError(`request path "${pathAndQuery}" must start with "/"`);
  if (PLAIN_PATH.test(pathAndQuery)) {
    // One parse instead of three: for these characters, parsing `<base without query>` + path and query
    // gives the same URL as setting pathname and search below.
    const href = base.href;
    // In a serialized URL, the first `?` or `#` ends the path.
    let end = href.indexOf('?');
    const hash = href.indexOf('#');
    if (end < 0 || (hash >= 0 && hash < end)) end = hash;
    if (end < 0) end = href.length;
    if (href.charCodeAt(end - 1) === SLASH) end--;
    return new URL(href.slice(0, end) + pathAndQuery);
  }
  const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const url = new URL(base.href);
  const q = pathAndQuery.indexOf('?');
  url.pathname = basePath + (q < 0 ? pathAndQuery : pathAndQuery.slice(0, q));
  url.search = q < 0 ? '' : pathAndQuery.slice(q);
  url.hash = '';
  return url;
}
