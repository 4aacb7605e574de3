import type { KcpWorld } from '../real/kcp-world.js';
import type { DumpedObject, StateDump } from './dump.js';

/** A dump with everything that must differ between two fresh runs replaced by a placeholder or dropped. */
export type NormalizedDump = Readonly<Record<string, unknown>>;

// Server-assigned or time-dependent: never a syncer's doing.
const VOLATILE_KEYS = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'managedFields',
  'generation',
  'selfLink',
  'identityHash',
  'clusterIP',
  'clusterIPs',
]);
// kcp's per-workspace DNS objects: kcp-dns-<st>-<hash of the st uid>-<hash of the workspace>.
const DNS_NAME = /kcp-dns-([a-z0-9]+)-<st-hash>-[a-z0-9]{8}/g;
const DNS_PLACEHOLDER = 'kcp-dns-$1-<st-hash>-<ws-hash>';
const isTimeKey = (key: string) => /(Time|Timestamp)$/.test(key);
// Annotations whose values are server-assigned uids.
const VOLATILE_ANNOTATIONS = new Set(['kubernetes.io/service-account.uid']);

/**
 * What differs from one fresh kcp + downstream to the next, read off the world: the logical-cluster name, the
 * SyncTarget uid and key, kcp's port, the downstream namespace names (hashes of the locator), the tenant ids.
 */
export function runSubstitutions(world: KcpWorld, dump: StateDump): Array<[string, string]> {
  const subs: Array<[string, string]> = [
    [world.workspace.cluster, '<cluster>'],
    [world.generated.syncTargetUid, '<st-uid>'],
    [world.syncTargetKey, '<key>'],
    [new URL(world.kcp.url).port, '<kcp-port>'],
  ];
  const stHash = world.generated.syncerNamespace.split('-').pop();
  if (stHash) subs.push([stHash, '<st-hash>']);
  for (const object of Object.values(dump.objects)) {
    const annotations = object.metadata.annotations as Record<string, string> | undefined;
    const locator = annotations?.['kcp.io/namespace-locator'];
    if (object.kind !== 'Namespace' || locator === undefined) continue;
    const upstream = (JSON.parse(locator) as { namespace?: string }).namespace ?? '';
    subs.push([object.metadata.name, `<down:${upstream}>`]);
    const tenant = (object.metadata.labels as Record<string, string> | undefined)?.['kcp.io/tenant-id'];
    if (tenant) subs.push([tenant, '<tenant>']);
  }
  // The pod-template hash follows the template (compared itself) and kcp's port; it shows in names and messages.
  for (const object of Object.values(dump.objects)) {
    const hash = (object.metadata.labels as Record<string, string> | undefined)?.['pod-template-hash'];
    if (object.kind === 'ReplicaSet' && hash) subs.push([hash, '<pth>']);
  }
  // Longest first, so no placeholder is cut into by a shorter value that happens to be inside it.
  return subs.filter(([from]) => from !== '').sort(([a], [b]) => b.length - a.length);
}

/** Normalizes a dump for comparison with another run's (see runSubstitutions and VOLATILE_KEYS). */
export function normalizeDump(world: KcpWorld, dump: StateDump): NormalizedDump {
  const subs = runSubstitutions(world, dump);
  const out: Record<string, unknown> = {};
  for (const [key, object] of Object.entries(dump.objects)) {
    const [side, namespace, kind = '', name = ''] = substitute(key, subs).split('|');
    const normalizedName = normalizeName(kind, name).replace(DNS_NAME, DNS_PLACEHOLDER);
    out[`${side}|${namespace}|${kind}|${normalizedName}`] = normalizeObject(object, subs);
  }
  if (dump.syncTarget) out['up||SyncTarget|'] = normalizeObject(dump.syncTarget, subs);
  return out;
}

function normalizeObject(object: DumpedObject, subs: Array<[string, string]>): unknown {
  const redacted = redactSecretData(object);
  const text = substitute(JSON.stringify(redacted), subs)
    .replace(/-----BEGIN CERTIFICATE-----[^"]*?-----END CERTIFICATE-----(\\n)?/g, '<pem>')
    .replace(DNS_NAME, DNS_PLACEHOLDER)
    // Token Secrets get random suffixes; pod templates name them (the kcp-api-access volume).
    .replace(/-token-[a-z0-9]{5}"/g, '-token-*"');
  const normalized = dropVolatile(JSON.parse(text)) as DumpedObject;
  const metadata = {
    ...normalized.metadata,
    name: normalizeName(object.kind ?? '', normalized.metadata.name),
  };
  return { ...normalized, metadata };
}

/** Token, kubeconfig and CA values differ per run; a Secret's keys and a user's own Secret values stay compared. */
function redactSecretData(object: DumpedObject): DumpedObject {
  const credentials =
    /token/.test(object.metadata.name) || /^kcp-syncer-/.test(object.metadata.namespace ?? '');
  if (object.kind !== 'Secret' || !credentials) return object;
  const data = object.data as Record<string, string> | undefined;
  if (!data) return object;
  return { ...object, data: Object.fromEntries(Object.keys(data).map((k) => [k, '<redacted>'])) };
}

function dropVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => dropVolatile(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (VOLATILE_KEYS.has(key) || VOLATILE_ANNOTATIONS.has(key) || isTimeKey(key)) continue;
    // The pod-template hash follows the template, which is compared itself; its value holds kcp's port.
    if (key === 'pod-template-hash' && typeof v === 'string') {
      out[key] = '<pth>';
      continue;
    }
    out[key] = dropVolatile(v);
  }
  return out;
}

/** Generated-name suffixes: Secret `default-token-x9ntq` -> `default-token-*`, ReplicaSet `web-5cc79bdf78` -> `web-<pth>`. */
function normalizeName(kind: string, name: string): string {
  if (kind === 'Secret') return name.replace(/-token-[a-z0-9]{5}$/, '-token-*');
  if (kind === 'ReplicaSet') return name.replace(/-[a-z0-9]{8,10}$/, '-<pth>');
  return name;
}

function substitute(text: string, subs: Array<[string, string]>): string {
  let out = text;
  for (const [from, to] of subs) out = out.split(from).join(to);
  return out;
}
