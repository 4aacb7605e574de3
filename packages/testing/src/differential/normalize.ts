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
const DNS_NAME = /kcp-dns-([a-z0-9]+)-(<st-hash(?::[a-z0-9-]+)?>)-[a-z0-9]{8}/g;
const DNS_PLACEHOLDER = 'kcp-dns-$1-$2-<ws-hash>';
const isTimeKey = (key: string) => /(Time|Timestamp)$/.test(key);
// Annotations whose values are server-assigned uids.
const VOLATILE_ANNOTATIONS = new Set(['kubernetes.io/service-account.uid']);

/**
 * What differs from one fresh kcp + downstream to the next, read off the world: the logical-cluster name, the
 * SyncTarget uid and key, kcp's port, the downstream namespace names (hashes of the locator; also as the DNS
 * namespace map names them), the tenant ids, the workspace DNS Service's cluster IP.
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
  // Added SyncTargets get placeholders named after them: `<key:phys2>`.
  for (const { generated, syncTargetKey } of world.addedSyncTargets) {
    const name = generated.syncTargetName;
    subs.push([generated.syncTargetUid, `<st-uid:${name}>`], [syncTargetKey, `<key:${name}>`]);
    const hash = generated.syncerNamespace.split('-').pop();
    if (hash) subs.push([hash, `<st-hash:${name}>`]);
  }
  for (const object of Object.values(dump.objects)) {
    const annotations = object.metadata.annotations as Record<string, string> | undefined;
    const locator = annotations?.['kcp.io/namespace-locator'];
    if (object.kind !== 'Namespace' || locator === undefined) continue;
    const parsed = JSON.parse(locator) as { namespace?: string; syncTarget?: { name?: string } };
    const upstream = parsed.namespace ?? '';
    // One upstream namespace on several SyncTargets has one downstream namespace per SyncTarget.
    const target = parsed.syncTarget?.name;
    const own = target === undefined || target === world.generated.syncTargetName;
    subs.push([object.metadata.name, own ? `<down:${upstream}>` : `<down:${target}:${upstream}>`]);
    const tenant = (object.metadata.labels as Record<string, string> | undefined)?.['kcp.io/tenant-id'];
    if (tenant) subs.push([tenant, '<tenant>']);
  }
  // The workspace DNS map names downstream namespaces, also those already deleted (kcp leaves their entries).
  for (const object of Object.values(dump.objects)) {
    if (object.kind !== 'ConfigMap' || !object.metadata.name.startsWith('kcp-dns-')) continue;
    const data = (object.data ?? {}) as Record<string, string>;
    for (const [upstream, downstream] of Object.entries(data)) subs.push([downstream, `<down:${upstream}>`]);
  }
  // The workspace DNS Service's cluster IP is the apiserver's pick; pod templates name it as their nameserver.
  for (const object of Object.values(dump.objects)) {
    const ip = (object.spec as { clusterIP?: string } | undefined)?.clusterIP;
    if (object.kind === 'Service' && object.metadata.name.startsWith('kcp-dns-') && ip)
      subs.push([ip, '<dns-ip>']);
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
    ...syncerViews(normalized.metadata.annotations),
    ...sortedFinalizers(normalized.metadata.finalizers),
    name: normalizeName(object.kind ?? '', normalized.metadata.name),
  };
  return { ...normalized, metadata };
}

/**
 * Finalizers are a set; with two syncers on one object their order only says which reached it first, a race
 * that goes either way from run to run.
 */
function sortedFinalizers(finalizers: unknown): { finalizers?: string[] } {
  if (!Array.isArray(finalizers)) return {};
  return { finalizers: [...(finalizers as string[])].sort() };
}

// kcp keeps each syncer's view of an object placed on several SyncTargets (its status) as JSON in an annotation.
const SYNCER_VIEW = 'diff.syncer.internal.kcp.io/';

/** Syncer-view annotations parsed, their timestamps dropped like any other's, so they compare field by field. */
function syncerViews(annotations: unknown): { annotations?: Record<string, unknown> } {
  if (annotations === null || typeof annotations !== 'object') return {};
  const entries = Object.entries(annotations as Record<string, unknown>);
  if (!entries.some(([key]) => key.startsWith(SYNCER_VIEW))) return {};
  return {
    annotations: Object.fromEntries(
      entries.map(([key, value]) =>
        key.startsWith(SYNCER_VIEW) && typeof value === 'string' ? [key, parsedView(value)] : [key, value],
      ),
    ),
  };
}

function parsedView(value: string): unknown {
  try {
    return dropVolatile(JSON.parse(value));
  } catch {
    // Not JSON after all: compared as it is.
    return value;
  }
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
    // kcp's upsyncer records the downstream resourceVersion it copied up: its presence is compared, not the number.
    if (key === 'workload.kcp.io/rv' && typeof v === 'string') {
      out[key] = '<downstream-rv>';
      continue;
    }
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
