import {
  classifyHttpError,
  type GVR,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
  type PatchOptions,
  type PatchType,
  SYNC_TARGET_GVR,
  type SyncTarget,
} from '@kcp-tmc/interfaces';

export interface RecordedCall {
  method: 'get' | 'patch' | 'updateStatus';
  ref?: ObjectRef | undefined;
  patchType?: PatchType;
  body?: unknown;
  subresource?: string | undefined;
}

type JsonObject = Record<string, unknown>;

/**
 * An in-memory stand-in for the KubeClient contract holding one SyncTarget, for unit tests of the heartbeat's
 * scheduling without a server. It follows RFC 6902 strictly (`replace` needs the member) and the status
 * subresource rules (only status changes are kept), answers errors as the API server would (422 for a failed
 * test, 409 for a stale resourceVersion), and can fail or hang on demand. Integration tests use the simulator.
 */
export class FakeSyncTargetClient implements Pick<KubeClient, 'get' | 'patch' | 'updateStatus'> {
  readonly calls: RecordedCall[] = [];
  private object: SyncTarget | undefined;
  private rv = 1;
  private failures: Array<() => Error> = [];
  private hold: Promise<void> | undefined;
  private readonly hooks: Array<{ method: RecordedCall['method']; run: () => void }> = [];

  constructor(object: SyncTarget) {
    this.object = structuredClone(object);
    this.object.metadata.resourceVersion = String(this.rv);
  }

  current(): SyncTarget | undefined {
    return this.object === undefined ? undefined : structuredClone(this.object);
  }

  /** Replaces the stored object (e.g. a SyncTarget re-created with a new uid). */
  replace(object: SyncTarget): void {
    this.object = structuredClone(object);
    this.object.metadata.resourceVersion = String(++this.rv);
  }

  /** Another writer changes the object: its resourceVersion moves. */
  touch(): void {
    if (this.object !== undefined) this.object.metadata.resourceVersion = String(++this.rv);
  }

  /** Runs `run` once, just before the next call of `method` is served. */
  before(method: RecordedCall['method'], run: () => void): void {
    this.hooks.push({ method, run });
  }

  /** The next `count` calls fail with the error `make` returns. */
  failNext(count: number, make: () => Error): void {
    for (let i = 0; i < count; i++) this.failures.push(make);
  }

  /** Calls wait until the returned function is called (a partition that hangs). */
  hang(): () => void {
    let release: () => void = () => {};
    this.hold = new Promise<void>((resolve) => {
      release = () => {
        this.hold = undefined;
        resolve();
      };
    });
    return release;
  }

  patches(): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'patch');
  }

  async get(gvr: GVR, ref: ObjectRef): Promise<KubeObject> {
    await this.enter({ method: 'get', ref }, gvr);
    return structuredClone(this.found(ref));
  }

  async patch(gvr: GVR, ref: ObjectRef, type: PatchType, patch: unknown, options?: PatchOptions) {
    await this.enter(
      { method: 'patch', ref, patchType: type, body: patch, subresource: options?.subresource },
      gvr,
    );
    if (options?.subresource !== 'status')
      throw new Error('FakeSyncTargetClient patches the status subresource only');
    if (type === 'merge') return this.mergeStatus(ref, patch as JsonObject);
    if (type !== 'json')
      throw new Error(`FakeSyncTargetClient speaks JSON and merge patch only, not ${type}`);
    const patched = applyJsonPatch(structuredClone(this.found(ref)) as unknown as JsonObject, patch);
    return this.store(patched.status);
  }

  async updateStatus(gvr: GVR, object: KubeObject): Promise<KubeObject> {
    await this.enter(
      { method: 'updateStatus', ref: { name: object.metadata.name ?? '' }, body: object },
      gvr,
    );
    const current = this.found({ name: object.metadata.name ?? '' });
    if (object.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw classifyHttpError({
        status: 409,
        body: { kind: 'Status', reason: 'Conflict', message: 'the object has been modified' },
      });
    }
    return this.store(object.status);
  }

  /** A merge patch of status members (top level), with the uid and resourceVersion preconditions it carries. */
  private mergeStatus(ref: ObjectRef, patch: JsonObject): KubeObject {
    const current = this.found(ref);
    const meta = (patch.metadata ?? {}) as { uid?: string; resourceVersion?: string };
    if (meta.uid !== undefined && meta.uid !== current.metadata.uid) {
      throw classifyHttpError({
        status: 409,
        body: { kind: 'Status', reason: 'Conflict', message: 'Precondition failed: UID in precondition' },
      });
    }
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== current.metadata.resourceVersion) {
      throw classifyHttpError({
        status: 409,
        body: { kind: 'Status', reason: 'Conflict', message: 'the object has been modified' },
      });
    }
    const status = { ...((current.status ?? {}) as JsonObject), ...((patch.status ?? {}) as JsonObject) };
    return this.store(status);
  }

  private async enter(call: RecordedCall, gvr: GVR): Promise<void> {
    this.calls.push(call);
    if (gvr.resource !== SYNC_TARGET_GVR.resource) throw new Error(`unexpected resource ${gvr.resource}`);
    while (this.hold !== undefined) await this.hold;
    const hook = this.hooks.findIndex((h) => h.method === call.method);
    if (hook !== -1) this.hooks.splice(hook, 1)[0]?.run();
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure();
  }

  private found(ref: ObjectRef): SyncTarget {
    if (this.object === undefined || this.object.metadata.name !== ref.name) {
      throw classifyHttpError({
        status: 404,
        body: { kind: 'Status', reason: 'NotFound', message: 'not found' },
      });
    }
    return this.object;
  }

  private store(status: unknown): KubeObject {
    const next = structuredClone(this.found({ name: this.object?.metadata.name ?? '' }));
    // Status subresource semantics: only status changes are kept, whatever else the request carried.
    if (status === undefined) delete next.status;
    else next.status = structuredClone(status) as SyncTarget['status'] & object;
    next.metadata.resourceVersion = String(++this.rv);
    this.object = next;
    return structuredClone(next);
  }
}

function invalid(message: string): Error {
  return classifyHttpError({ status: 422, body: { kind: 'Status', reason: 'Invalid', message } });
}

/** RFC 6902 test/add/replace/remove on object members (all the heartbeat needs). */
function applyJsonPatch(doc: JsonObject, patch: unknown): JsonObject {
  if (!Array.isArray(patch)) throw invalid('a JSON patch is an array');
  for (const op of patch as Array<{ op: string; path: string; value?: unknown }>) {
    const keys = op.path.split('/').slice(1);
    const last = keys.pop();
    if (last === undefined) throw invalid(`bad path ${op.path}`);
    let parent: unknown = doc;
    for (const key of keys) parent = (parent as JsonObject | undefined)?.[key];
    if (typeof parent !== 'object' || parent === null) throw invalid(`missing path ${op.path}`);
    const container = parent as JsonObject;
    switch (op.op) {
      case 'test':
        if (JSON.stringify(container[last]) !== JSON.stringify(op.value)) {
          throw invalid(`testing value ${op.path} failed`);
        }
        break;
      case 'add':
        container[last] = structuredClone(op.value);
        break;
      case 'replace':
        if (!(last in container)) throw invalid(`replace operation does not apply: missing ${op.path}`);
        container[last] = structuredClone(op.value);
        break;
      case 'remove':
        if (!(last in container)) throw invalid(`remove operation does not apply: missing ${op.path}`);
        delete container[last];
        break;
      default:
        throw invalid(`unsupported op ${op.op}`);
    }
  }
  return doc;
}
