/** A request path resolved into what it addresses. Unknown shapes resolve to `unknown`. */
export type ParsedPath =
  | { kind: 'health'; check: string }
  | { kind: 'version' }
  | { kind: 'legacyVersions' }
  | { kind: 'groupList' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      resource: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** The legacy `/watch/` path prefix. */
      watch: boolean;
    }
  | { kind: 'unknown' };

export interface ClusterPrefix {
  /** Logical cluster named by `/clusters/<name>`, or `*`. Undefined when the path has no prefix. */
  cluster?: string;
  /** Syncer (or upsyncer) virtual workspace coordinates, from `/services/(up)syncer/<cluster>/<name>/<uid>`. */
  syncer?: { cluster: string; syncTarget: string; uid: string; upsyncer?: true };
  rest: string[];
}

function segments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/** Strips kcp prefixes: `/services/(up)syncer/<c>/<st>/<uid>` and `/clusters/<name>`. */
export function splitClusterPrefix(path: string): ClusterPrefix {
  let rest = segments(path);
  const out: ClusterPrefix = { rest };
  if (rest[0] === 'services' && (rest[1] === 'syncer' || rest[1] === 'upsyncer') && rest.length >= 5) {
    out.syncer = { cluster: rest[2]!, syncTarget: rest[3]!, uid: rest[4]! };
    if (rest[1] === 'upsyncer') out.syncer.upsyncer = true;
    rest = rest.slice(5);
  }
  if (rest[0] === 'clusters' && rest.length >= 2) {
    out.cluster = rest[1]!;
    rest = rest.slice(2);
  }
  out.rest = rest;
  return out;
}

const HEALTH = new Set(['healthz', 'livez', 'readyz']);

export function parsePath(parts: string[]): ParsedPath {
  if (parts.length === 0) return { kind: 'unknown' };
  const [root, ...rest] = parts as [string, ...string[]];
  if (HEALTH.has(root)) return { kind: 'health', check: [root, ...rest].join('/') };
  if (root === 'version' && rest.length === 0) return { kind: 'version' };
  if (root === 'api') {
    if (rest.length === 0) return { kind: 'legacyVersions' };
    const [version, ...tail] = rest as [string, ...string[]];
    if (tail.length === 0) return { kind: 'resourceList', group: '', version };
    return parseResource('', version, tail);
  }
  if (root === 'apis') {
    if (rest.length === 0) return { kind: 'groupList' };
    const [group, version, ...tail] = rest;
    if (version === undefined) return { kind: 'group', group: group! };
    if (tail.length === 0) return { kind: 'resourceList', group: group!, version };
    return parseResource(group!, version, tail);
  }
  return { kind: 'unknown' };
}

function parseResource(group: string, version: string, tail: string[]): ParsedPath {
  let watch = false;
  let parts = tail;
  if (parts[0] === 'watch') {
    watch = true;
    parts = parts.slice(1);
  }
  const base = { kind: 'resource' as const, group, version, watch };
  if (
    parts[0] === 'namespaces' &&
    parts.length >= 3 &&
    !(parts.length === 3 && (parts[2] === 'status' || parts[2] === 'finalize'))
  ) {
    const [, namespace, resource, name, subresource, ...extra] = parts;
    if (extra.length > 0) return { kind: 'unknown' };
    return withOptional({ ...base, resource: resource!, namespace: namespace! }, name, subresource);
  }
  const [resource, name, subresource, ...extra] = parts;
  if (extra.length > 0 || resource === undefined) return { kind: 'unknown' };
  return withOptional({ ...base, resource }, name, subresource);
}

function withOptional<T extends object>(
  base: T,
  name?: string,
  subresource?: string,
): T & { name?: string; subresource?: string } {
  const out: T & { name?: string; subresource?: string } = { ...base };
  if (name !== undefined) out.name = name;
  if (subresource !== undefined) out.subresource = subresource;
  return out;
}
