import { conflict, internalError } from '../api/status.js';
import { cloneJson, isPlainObject, type KubeObject } from '../api/types.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { deleteField, getField, type SummarizedField, setField, summarizedFields } from './summarizing.js';
import {
  DELETION_ANNOTATION_PREFIX,
  goJson,
  PROMOTED,
  SPEC_DIFF_ANNOTATION_PREFIX,
  STATE_LABEL_PREFIX,
  SYNCER_FINALIZER_PREFIX,
  SYNCER_VIEW_ANNOTATION_PREFIX,
  syncIntents,
} from './workload-names.js';

type ViewFields = Record<string, unknown>;

function viewFields(obj: KubeObject, key: string): ViewFields | undefined {
  const raw = obj.metadata.annotations?.[SYNCER_VIEW_ANNOTATION_PREFIX + key];
  if (raw === undefined) return undefined;
  const parsed: unknown = JSON.parse(raw);
  return isPlainObject(parsed) ? parsed : {};
}

function setViewFields(obj: KubeObject, key: string, fields: ViewFields): void {
  obj.metadata.annotations = {
    ...obj.metadata.annotations,
    [SYNCER_VIEW_ANNOTATION_PREFIX + key]: goJson(fields),
  };
}

/**
 * What the syncer of SyncTarget `key` reads (kcp's SyncerResourceTransformer.AfterRead in
 * pkg/virtual/syncer/transformations/transformer.go): no finalizers but its own, no deletionTimestamp unless
 * kcp asked this SyncTarget to delete, no syncer view annotations, the spec diff applied, and per summarized
 * field the value this SyncTarget reported (the upstream value when promoted, nothing when never reported).
 */
export function toSyncerView(upstream: KubeObject, key: string): KubeObject {
  const finalizer = SYNCER_FINALIZER_PREFIX + key;
  const intents = syncIntents(upstream.metadata);
  const fields = viewFields(upstream, key);
  const view = cloneJson(upstream);
  delete view.metadata.finalizers;
  delete view.metadata.deletionTimestamp;
  const annotations = { ...view.metadata.annotations };
  for (const name of Object.keys(annotations)) {
    if (name.startsWith(SYNCER_VIEW_ANNOTATION_PREFIX)) delete annotations[name];
  }
  view.metadata.annotations = annotations;
  const specDiff = upstream.metadata.annotations?.[SPEC_DIFF_ANNOTATION_PREFIX + key];
  if (specDiff && isPlainObject(view.spec))
    view.spec = applyJsonPatch(view.spec, JSON.parse(specDiff)) as never;
  for (const field of summarizedFields(upstream)) {
    const has = fields !== undefined && field.path in fields;
    if (field.promote) {
      if (!has) {
        deleteField(view, field.path);
        continue;
      }
      let value = fields[field.path];
      if (value === PROMOTED) {
        const promoted = getField(upstream, field.path);
        if (!promoted.exists) {
          deleteField(view, field.path);
          continue;
        }
        value = promoted.value;
      }
      setField(view, field.path, value);
    } else if (has) {
      setField(view, field.path, fields[field.path]);
    }
  }
  if (upstream.metadata.finalizers?.includes(finalizer)) view.metadata.finalizers = [finalizer];
  const intent = intents.get(key);
  if (intent?.deletionTimestamp !== undefined && intent.finalizers === '') {
    view.metadata.deletionTimestamp = intent.deletionTimestamp;
  }
  return view;
}

/** A write kcp performs for one syncer request: the status first when needed, then the addressed part. */
export interface UpstreamWrite {
  subresource: 'status' | undefined;
  object: KubeObject;
}

export interface SyncerWriteInput {
  key: string;
  gr: { group: string; resource: string };
  stored: KubeObject;
  view: KubeObject;
  subresource: string | undefined;
}

/**
 * Rebuilds a syncer's write from the stored upstream object (kcp's SyncerResourceTransformer.BeforeWrite):
 * nothing the syncer sends reaches kcp except its finalizer, the fields it reports per SyncTarget (into the
 * `diff.syncer.internal.kcp.io/<key>` annotation, promoted into the object when one SyncTarget holds it), and
 * the removal of its finalizer once kcp asked it to delete, which also drops the SyncTarget's label.
 */
export function fromSyncerView(input: SyncerWriteInput): UpstreamWrite[] {
  const { key, stored, view, subresource } = input;
  const gr = input.gr;
  const name = stored.metadata.name!;
  const finalizer = SYNCER_FINALIZER_PREFIX + key;
  const viewHasFinalizer = view.metadata.finalizers?.includes(finalizer) === true;
  const removed =
    view.metadata.deletionTimestamp !== undefined && !viewHasFinalizer && subresource === undefined;
  if (view.metadata.resourceVersion !== stored.metadata.resourceVersion) {
    throw conflict(gr, name, 'the resource has been modified in the meantime');
  }
  const upstream = cloneJson(stored);
  const fields = summarizedFields(stored);
  if (removed) return removeFromSyncer(upstream, key, fields);
  const intents = syncIntents(upstream.metadata);
  const what = `${[gr.resource, ...(subresource ? [subresource] : [])].join('/')}(${stored.metadata.namespace ?? ''}/${name})`;
  if (intents.get(key)?.state !== 'Sync') {
    throw internalError(
      `tried to write resource ${what} though it is not assigned to the current SyncTarget`,
    );
  }
  if (!viewHasFinalizer) {
    throw internalError(
      `tried to write resource ${what} though it is not owning it (syncer finalizer doesn't exist)`,
    );
  }
  const owners = (upstream.metadata.finalizers ?? []).filter((f) => f.startsWith(SYNCER_FINALIZER_PREFIX));
  if (intents.size > 1 && owners.length === 1)
    unpromote(upstream, owners[0]!.slice(SYNCER_FINALIZER_PREFIX.length), fields);
  const existing = viewFields(upstream, key) ?? {};
  const next: ViewFields = {};
  const statusWrite = subresource === 'status';
  for (const field of fields) {
    if (field.isStatus !== statusWrite) {
      if (field.path in existing) next[field.path] = existing[field.path];
      continue;
    }
    const got = getField(view, field.path);
    if (!got.exists) continue;
    let value = got.value;
    if (field.promote && intents.size === 1) {
      setField(upstream, field.path, value);
      value = PROMOTED;
    }
    next[field.path] = value;
  }
  setViewFields(upstream, key, next);
  if (!owners.includes(finalizer)) {
    upstream.metadata.finalizers = [...new Set([...(upstream.metadata.finalizers ?? []), finalizer])].sort();
  }
  return [{ subresource: statusWrite ? 'status' : undefined, object: upstream }];
}

/** Before a second SyncTarget owns the object, its promoted fields go back into the first one's annotation. */
function unpromote(upstream: KubeObject, owner: string, fields: SummarizedField[]): void {
  const existing = viewFields(upstream, owner) ?? {};
  let changed = false;
  for (const field of fields) {
    if (!field.promote || existing[field.path] !== PROMOTED) continue;
    const got = getField(upstream, field.path);
    if (!got.exists) continue;
    existing[field.path] = got.value;
    changed = true;
  }
  if (changed) setViewFields(upstream, owner, existing);
}

function removeFromSyncer(upstream: KubeObject, key: string, fields: SummarizedField[]): UpstreamWrite[] {
  const writes: UpstreamWrite[] = [];
  const others = syncIntents(upstream.metadata);
  others.delete(key);
  const [single] = others.size === 1 ? [...others.entries()] : [];
  if (
    single &&
    single[1].state === 'Sync' &&
    upstream.metadata.finalizers?.includes(SYNCER_FINALIZER_PREFIX + single[0])
  ) {
    // The object stays on one SyncTarget: promote what that SyncTarget reported.
    const existing = viewFields(upstream, single[0]);
    let statusPromoted = false;
    let promoted = false;
    for (const field of existing ? fields : []) {
      if (!field.promote || existing![field.path] === PROMOTED) continue;
      setField(upstream, field.path, existing![field.path]);
      existing![field.path] = PROMOTED;
      promoted = true;
      if (field.isStatus) statusPromoted = true;
    }
    if (promoted) setViewFields(upstream, single[0], existing!);
    if (statusPromoted) writes.push({ subresource: 'status', object: cloneJson(upstream) });
  }
  const labels = { ...upstream.metadata.labels };
  delete labels[STATE_LABEL_PREFIX + key];
  upstream.metadata.labels = labels;
  upstream.metadata.finalizers = (upstream.metadata.finalizers ?? []).filter(
    (f) => f !== SYNCER_FINALIZER_PREFIX + key,
  );
  const annotations = { ...upstream.metadata.annotations };
  delete annotations[SYNCER_VIEW_ANNOTATION_PREFIX + key];
  delete annotations[DELETION_ANNOTATION_PREFIX + key];
  // kcp v0.11 deletes the bare prefix here, not the per-SyncTarget spec diff annotation.
  delete annotations[SPEC_DIFF_ANNOTATION_PREFIX];
  upstream.metadata.annotations = annotations;
  writes.push({ subresource: undefined, object: upstream });
  return writes;
}
