import { cloneJson, isRecord, type KubeObject, SERVER_SET_METADATA_FIELDS } from '@kcp-tmc/interfaces';
import { canonicalHash, setPath } from './canonical.js';
import { removedOwnedFields } from './owned-fields.js';

/** The desired object as we hash and write it: no status, no server-managed metadata. */
export function normalizeDesired(desired: KubeObject, ignoreFields: readonly string[] = []): KubeObject {
  const copy = cloneJson(desired);
  delete copy.status;
  // Written by the server, never by us: never part of what we compare or hash.
  for (const field of SERVER_SET_METADATA_FIELDS) delete copy.metadata[field];
  for (const path of ignoreFields) setPath(copy as Record<string, unknown>, path, undefined);
  return copy;
}

/** The hash of what we want downstream: equal hashes mean nothing changed upstream since the last apply. */
export function desiredHash(desired: KubeObject, ignoreFields: readonly string[] = []): string {
  // Hashed on every apply: a deep copy only when ignored paths must be cut out of it.
  return canonicalHash(ignoreFields.length > 0 ? normalizeDesired(desired, ignoreFields) : hashView(desired));
}

/** What normalizeDesired keeps, as a view sharing everything below metadata with `desired`: read it only. */
function hashView(desired: KubeObject): unknown {
  const { status: _status, metadata, ...rest } = desired;
  const meta: Record<string, unknown> = { ...metadata };
  for (let i = 0; i < SERVER_SET_METADATA_FIELDS.length; i++)
    delete meta[SERVER_SET_METADATA_FIELDS[i] as string];
  return { ...rest, metadata: meta };
}

/**
 * Secrets are written with `stringData` but read back as base64 `data`: compare them in the form the server
 * keeps.
 */
function comparable(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || !isRecord(object.stringData)) return object;
  const data: Record<string, unknown> = isRecord(object.data) ? { ...object.data } : {};
  for (const [key, value] of Object.entries(object.stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  const { stringData: _dropped, ...rest } = object;
  return { ...rest, data } as KubeObject;
}

/** Whether every value set in `want` is present and equal in `have` (arrays: same length, item by item). */
export function containsFields(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return false;
    return want.every((item, i) => containsFields(have[i], item));
  }
  if (isRecord(want)) {
    if (!isRecord(have)) return false;
    for (const [key, value] of Object.entries(want)) {
      if (value === undefined) continue;
      if (!containsFields(have[key], value)) return false;
    }
    return true;
  }
  return have === want;
}

/** Paths of `want` (dotted, first level below the top) whose values `have` does not carry. */
export function driftedFields(
  have: KubeObject,
  want: KubeObject,
  ignoreFields: readonly string[] = [],
): string[] {
  const liveView = comparable(have) as Record<string, unknown>;
  const wantView = comparable(normalizeDesired(want, ignoreFields)) as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, value] of Object.entries(wantView)) {
    // Identity, not content: list items (and so cached objects) carry neither.
    if (key === 'apiVersion' || key === 'kind') continue;
    if (key === 'metadata' && isRecord(value)) {
      for (const [field, inner] of Object.entries(value)) {
        if (!containsFields((liveView.metadata as Record<string, unknown>)?.[field], inner)) {
          out.push(`metadata.${field}`);
        }
      }
      continue;
    }
    if (!containsFields(liveView[key], value)) out.push(key);
  }
  return out;
}

export type DiffDecision =
  | { readonly action: 'create' }
  | { readonly action: 'update'; readonly why: string }
  | { readonly action: 'noop' };

export interface DiffInput {
  /** The desired object after retention (what would be written). */
  readonly desired: KubeObject;
  /** Its hash (computed before retention: retention follows the live object, not upstream). */
  readonly hash: string;
  /** The live downstream object, when there is one. */
  readonly live: KubeObject | undefined;
  /** The hash the state store remembers for this key (undefined after a restart: nothing remembered yet). */
  readonly storedHash: string | undefined;
  readonly ignoreFields?: readonly string[];
  /** The live resourceVersion the state store remembers: unchanged since, nobody wrote the object. */
  readonly storedResourceVersion?: string;
  /** Our server-side apply field manager: with nothing remembered, what it applied before is compared too. */
  readonly fieldManager?: string;
}

/**
 * create when nothing is downstream; update when the desired object differs from what we last applied (the
 * in-memory state store); noop when it does not and the live object is the one we last wrote or saw (same
 * resourceVersion); else update when the live object lacks a value we want (drift, or a change made while the agent was
 * down: after a restart nothing is remembered, and the live object alone decides, with the fields our field
 * manager applied before: one no longer wanted is a change too); noop otherwise. Nothing is
 * read from annotations of ours: kcp's syncer writes none (ground-truth/go-syncer).
 */
export function decide(input: DiffInput): DiffDecision {
  if (input.live === undefined) return { action: 'create' };
  if (input.storedHash !== undefined && input.storedHash !== input.hash) {
    return { action: 'update', why: 'desired changed' };
  }
  if (
    input.storedHash !== undefined &&
    input.storedResourceVersion !== undefined &&
    input.storedResourceVersion === input.live.metadata.resourceVersion
  ) {
    return { action: 'noop' };
  }
  const drifted = driftedFields(input.live, input.desired, input.ignoreFields);
  if (drifted.length > 0) return { action: 'update', why: `drifted: ${drifted.join(', ')}` };
  if (input.storedHash === undefined && input.fieldManager !== undefined) {
    const want = normalizeDesired(input.desired, input.ignoreFields);
    // Secrets: the server may record our `stringData` as such or as the `data` it became; either will do.
    const asData = new Set(removedOwnedFields(input.live, comparable(want), input.fieldManager));
    const removed = removedOwnedFields(input.live, want, input.fieldManager).filter((f) => asData.has(f));
    if (removed.length > 0) return { action: 'update', why: `no longer wanted: ${removed.join(', ')}` };
  }
  return { action: 'noop' };
}
