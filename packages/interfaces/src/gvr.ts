/** Group, version and resource: how the REST API addresses a collection. The core group is `''`. */
export interface GVR {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** Group, version and kind: how an object names its own type. */
export interface GVK {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export function gvr(group: string, version: string, resource: string): GVR {
  return { group, version, resource };
}

/** `apps/v1/deployments`, or `v1/configmaps` for the core group. */
export function gvrToString(g: GVR): string {
  return g.group === '' ? `${g.version}/${g.resource}` : `${g.group}/${g.version}/${g.resource}`;
}

/** kcp's `--resources` spelling of a group's resource: `deployments.apps`, or `configmaps` for the core group. */
export function groupResourceString(g: Pick<GVR, 'group' | 'resource'>): string {
  return g.group === '' ? g.resource : `${g.resource}.${g.group}`;
}

/** Inverse of {@link gvrToString}. Also accepts kubectl's `resource.version.group` form. */
export function parseGvr(text: string): GVR {
  const parts = text.split('/');
  if (parts.length === 2 && parts.every((p) => p !== '')) {
    return { group: '', version: parts[0] as string, resource: parts[1] as string };
  }
  if (parts.length === 3 && parts.every((p) => p !== '')) {
    return { group: parts[0] as string, version: parts[1] as string, resource: parts[2] as string };
  }
  const dotted = text.split('.');
  if (parts.length === 1 && dotted.length >= 3 && dotted.every((p) => p !== '')) {
    const [resource, version, ...group] = dotted as [string, string, ...string[]];
    return { group: group.join('.'), version, resource };
  }
  throw new TypeError(
    `invalid GVR "${text}": expected "<group>/<version>/<resource>", "<version>/<resource>" or "<resource>.<version>.<group>"`,
  );
}

export function gvrEquals(a: GVR, b: GVR): boolean {
  return a.group === b.group && a.version === b.version && a.resource === b.resource;
}

/** `apiVersion` as objects carry it: `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(g: GVR | GVK): string {
  return g.group === '' ? g.version : `${g.group}/${g.version}`;
}

/** Splits an object's `apiVersion` into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function gvkToString(g: GVK): string {
  return `${apiVersionOf(g)}, Kind=${g.kind}`;
}

// Core (`v1`) resources that several packages address directly.
export const NAMESPACES_GVR: GVR = Object.freeze(gvr('', 'v1', 'namespaces'));
export const EVENTS_GVR: GVR = Object.freeze(gvr('', 'v1', 'events'));
export const SECRETS_GVR: GVR = Object.freeze(gvr('', 'v1', 'secrets'));
export const CONFIGMAPS_GVR: GVR = Object.freeze(gvr('', 'v1', 'configmaps'));
export const SERVICE_ACCOUNTS_GVR: GVR = Object.freeze(gvr('', 'v1', 'serviceaccounts'));

/** The namespaces resource, whatever the version asked for (a Namespace is synced and owned unlike its contents). */
export function isNamespacesGvr(gvr: Pick<GVR, 'group' | 'resource'>): boolean {
  return gvr.group === '' && gvr.resource === 'namespaces';
}
