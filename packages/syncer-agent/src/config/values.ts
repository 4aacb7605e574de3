import { type GVR, groupResourceString, parseGvr } from '@kcp-tmc/interfaces';

// Value parsers shared by flags, environment and config file. Each returns the value or a reason (the caller
// adds the field name), so every message reads `--field: expected ..., got "..."`.

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

/** A number `accept`s (finite, and not blank: `Number('')` is 0), or `expected ..., got "<text>"`. */
function numberWhere(text: string, accept: (n: number) => boolean, expected: string): Parsed<number> {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !accept(n))
    return fail(`expected ${expected}, got "${text}"`);
  return ok(n);
}

export function positiveNumber(text: string): Parsed<number> {
  return numberWhere(text, (n) => n > 0, 'a positive number');
}

/** A float, as pflag's Float32 reads `--qps`: any sign (client-go gives 0 and negatives a meaning). */
export function finiteNumber(text: string): Parsed<number> {
  return numberWhere(text, () => true, 'a number');
}

export function nonNegativeInteger(text: string): Parsed<number> {
  return numberWhere(text, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');
}

export function positiveInteger(text: string): Parsed<number> {
  return numberWhere(text, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
}

export function verbosity(text: string): Parsed<number> {
  return numberWhere(text, (n) => Number.isInteger(n) && n >= 0 && n <= 10, 'a verbosity level from 0 to 10');
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go's `time.Duration` text as kcp's flags take it (`30s`, `1m0s`, `1.5h`, `500ms`, `0`), in milliseconds.
 * A sign is allowed, as time.ParseDuration allows it; callers that need a positive value say so.
 */
export function duration(text: string): Parsed<number> {
  const trimmed = text.trim();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = trimmed.replace(/^[-+]/, '');
  if (body === '0') return ok(0);
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of body.matchAll(pattern)) {
    total += Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
    consumed += match[0].length;
  }
  if (body === '' || consumed !== body.length) {
    return fail(`expected a duration such as 30s, 1m0s or 500ms, got "${text}"`);
  }
  return ok(sign * total);
}

/**
 * `host:port` for a listener; `0` turns it off (controller-runtime's convention). A bare `:8080` binds to
 * 127.0.0.1: the agent's endpoints are not for the world unless an address says so.
 */
export function bindAddress(text: string): Parsed<{ host: string; port: number } | null> {
  const trimmed = text.trim();
  if (trimmed === '0') return ok(null);
  const colon = trimmed.lastIndexOf(':');
  if (colon < 0) return fail(`expected host:port (or 0 to disable), got "${text}"`);
  let host = trimmed.slice(0, colon);
  const portText = trimmed.slice(colon + 1);
  const port = Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    return fail(`expected a port from 0 to 65535 in "${text}"`);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return ok({ host: host === '' ? '127.0.0.1' : host, port });
}

// kcp's `--resources` names a resource as `resource.group` without a version; these groups' versions are
// known. Anything else must be given fully as `group/version/resource` or `resource.version.group`.
const KNOWN_GROUP_VERSIONS: Record<string, string> = {
  '': 'v1',
  apps: 'v1',
  batch: 'v1',
  autoscaling: 'v2',
  policy: 'v1',
  'networking.k8s.io': 'v1',
  'rbac.authorization.k8s.io': 'v1',
  'storage.k8s.io': 'v1',
  'coordination.k8s.io': 'v1',
  'discovery.k8s.io': 'v1',
  'events.k8s.io': 'v1',
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One `--resources` item: kcp's `resource.group` name, and its GVR where the version is known here. */
export interface ResourceFlag {
  readonly name: string;
  readonly gvr: GVR | undefined;
}

/**
 * One `--resources` item: `deployments.apps`, `services`, `widgets.example.com` (kcp: any resource.group,
 * resolved against the downstream's discovery by the API importer), or ours, `apps/v1/deployments`.
 */
export function resource(text: string): Parsed<ResourceFlag> {
  const trimmed = text.trim();
  if (trimmed === '')
    return fail('expected a resource such as deployments.apps or apps/v1/deployments, got ""');
  if (trimmed.includes('/')) {
    try {
      const gvr = parseGvr(trimmed);
      if (DNS_LABEL.test(gvr.resource)) {
        return ok({ name: groupResourceString(gvr), gvr });
      }
    } catch {
      // falls through to the message below
    }
    return fail(`expected group/version/resource (apps/v1/deployments) or version/resource, got "${text}"`);
  }
  const dot = trimmed.indexOf('.');
  const name = dot < 0 ? trimmed : trimmed.slice(0, dot);
  const group = dot < 0 ? '' : trimmed.slice(dot + 1);
  if (!DNS_LABEL.test(name))
    return fail(`"${name}" is not a resource name (lowercase plural, e.g. deployments)`);
  if (group !== '' && !NAME.test(group)) return fail(`"${group}" is not an API group name in "${text}"`);
  const version = KNOWN_GROUP_VERSIONS[group];
  return ok({ name: trimmed, gvr: version === undefined ? undefined : { group, version, resource: name } });
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A Kubernetes object name (DNS subdomain), as a SyncTarget's. */
export function objectName(text: string): Parsed<string> {
  if (text.length > 253 || !NAME.test(text)) {
    return fail(`expected a lowercase DNS name (a-z, 0-9, '-', '.'), got "${text}"`);
  }
  return ok(text);
}

/** A kcp logical cluster path: `root`, `root:org:ws`. */
export function clusterPath(text: string): Parsed<string> {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(:[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(text)) {
    return fail(`expected a logical cluster path such as root:org:ws, got "${text}"`);
  }
  return ok(text);
}

/** Go's strconv.ParseBool spellings, as pflag reads a boolean from the environment or a file. */
export function goBoolean(text: string): Parsed<boolean> {
  if (/^(1|t|true)$/i.test(text)) return ok(true);
  if (/^(0|f|false)$/i.test(text)) return ok(false);
  return fail(`expected true or false, got "${text}"`);
}

export function nonEmpty(text: string): Parsed<string> {
  return text.trim() === '' ? fail('must not be empty') : ok(text);
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (text: string): Parsed<T> =>
    (choices as readonly string[]).includes(text)
      ? ok(text as T)
      : fail(`expected one of ${choices.join(', ')}, got "${text}"`);
}

/** `{ key: value }` when value is defined, `{}` otherwise (exactOptionalPropertyTypes). */
export function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
