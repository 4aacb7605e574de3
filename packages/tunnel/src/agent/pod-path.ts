/** A parsed pod subresource request path. */
export interface PodSubresourcePath {
  /** Upstream logical cluster from a `/clusters/<name>` prefix, if any. */
  cluster?: string;
  namespace: string;
  name: string;
  /** `log`, `proxy`, ... */
  subresource: string;
  /** Path below the subresource (only `proxy` has one), starting with `/` or empty. */
  rest: string;
  /** Query string including `?`, or empty. */
  search: string;
}

// Namespaces are DNS labels, pod names DNS subdomains; anything else cannot name a real pod, and rejecting it
// here keeps `..` and encoded slashes out of the translated path.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SUBRESOURCE = /^[a-z]+$/;
// kcp logical cluster names and paths (`root:org:ws`), or `*` for a wildcard (refused later, but parsed).
const CLUSTER = /^(\*|[a-z0-9]([-a-z0-9:]*[a-z0-9])?)$/;

/**
 * Parses `[/clusters/<cluster>]/api/v1/namespaces/<ns>/pods/<name>/<subresource>[/<rest>][?query]`.
 * Returns `undefined` for anything else (including the pod itself, without a subresource).
 */
export function parsePodSubresourcePath(path: string): PodSubresourcePath | undefined {
  // Parsed by hand, not with URL: URL would resolve `..` segments, and what is authorized must be exactly
  // what the caller sent.
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('#')) return undefined;
  const queryAt = path.indexOf('?');
  const pathname = queryAt === -1 ? path : path.slice(0, queryAt);
  const search = queryAt === -1 || queryAt === path.length - 1 ? '' : path.slice(queryAt);
  let segments: string[];
  try {
    segments = pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segments.some((segment) => segment === '.' || segment === '..' || segment.includes('/')))
    return undefined;
  let cluster: string | undefined;
  if (segments[0] === 'clusters') {
    cluster = segments[1];
    if (cluster === undefined || !CLUSTER.test(cluster)) return undefined;
    segments = segments.slice(2);
  }
  const [api, version, namespacesWord, namespace, podsWord, name, subresource, ...rest] = segments;
  if (api !== 'api' || version !== 'v1' || namespacesWord !== 'namespaces' || podsWord !== 'pods')
    return undefined;
  if (namespace === undefined || !DNS_LABEL.test(namespace)) return undefined;
  if (name === undefined || !DNS_SUBDOMAIN.test(name)) return undefined;
  if (subresource === undefined || !SUBRESOURCE.test(subresource)) return undefined;
  return {
    ...(cluster === undefined ? {} : { cluster }),
    namespace,
    name,
    subresource,
    rest: rest.length === 0 ? '' : `/${rest.map(encodeURIComponent).join('/')}`,
    search,
  };
}

/** The same request, addressed to the downstream namespace and pod. */
export function downstreamPodPath(parsed: PodSubresourcePath, namespace: string, name: string): string {
  return (
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/` +
    `${parsed.subresource}${parsed.rest}${parsed.search}`
  );
}
