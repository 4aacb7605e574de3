import {
  type ConflictResolverRegistry,
  type KubeObject,
  type StatusCause,
  type SyncConflict,
  type SyncContext,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

const FIELD_MANAGER_CONFLICT = 'FieldManagerConflict';

/** A Status cause's kind: `reason` on the wire (Go's CauseType), `type` where it was mapped. */
export function causeReason(cause: StatusCause): string | undefined {
  return cause.type ?? (cause as { reason?: string }).reason;
}

/** A 409 write failure read as a conflict (same kinds as @kcp-tmc/conflict); undefined for anything else. */
export function writeConflict(err: unknown): SyncConflict | undefined {
  if (!(err instanceof TmcError) || err.type !== TmcErrorType.ResourceConflict) return undefined;
  const causes = err.causes.filter((c) => causeReason(c) === FIELD_MANAGER_CONFLICT);
  if (causes.length > 0) {
    const fields = causes.map((c) => (c.field ?? '').replace(/^\./, '')).filter((f) => f !== '');
    return { kind: 'field-manager', message: err.message, fields };
  }
  return { kind: 'stale-resource-version', message: err.message };
}

export interface ResolveLoop {
  readonly context: SyncContext;
  readonly registry: ConflictResolverRegistry | undefined;
  readonly retries: number;
  readonly desired: KubeObject;
  readonly lastApplied: KubeObject | undefined;
  readonly read: () => Promise<KubeObject | undefined>;
  readonly write: (object: KubeObject, live: KubeObject, force: boolean) => Promise<KubeObject>;
}

export type LoopOutcome =
  | { readonly status: 'written'; readonly object: KubeObject; readonly conflicts: SyncConflict[] }
  | { readonly status: 'kept'; readonly object: KubeObject; readonly conflicts: SyncConflict[] }
  | { readonly status: 'gone'; readonly conflicts: SyncConflict[] }
  | { readonly status: 'aborted'; readonly error: TmcError; readonly conflicts: SyncConflict[] };

/**
 * Writes, and on a write conflict asks the GVR's resolver (CONFLICT_RESOLVER_REGISTRY) what to do with a fresh
 * read: apply its object (maybe forced), keep what is there, or abort. Without a registry, upstream wins.
 */
export async function writeResolvingConflicts(loop: ResolveLoop, live: KubeObject): Promise<LoopOutcome> {
  const conflicts: SyncConflict[] = [];
  let object = loop.desired;
  let current = live;
  let force = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return { status: 'written', object: await loop.write(object, current, force), conflicts };
    } catch (err) {
      const conflict = writeConflict(err);
      if (conflict === undefined) throw err;
      if (attempt > loop.retries) {
        conflicts.push({ ...conflict, resolution: 'retries exhausted' });
        return {
          status: 'aborted',
          error: new TmcError({ type: TmcErrorType.ResourceConflict, message: conflict.message, cause: err }),
          conflicts,
        };
      }
      const fresh = await loop.read();
      if (fresh === undefined) return { status: 'gone', conflicts: [...conflicts, conflict] };
      current = fresh;
      const resolver = loop.registry?.resolverFor(loop.context.gvr);
      const resolution = resolver
        ? await resolver.resolve({
            context: loop.context,
            conflict,
            desired: loop.desired,
            existing: fresh,
            attempt,
            ...(loop.lastApplied === undefined ? {} : { lastApplied: loop.lastApplied }),
          })
        : ({ action: 'apply', object: loop.desired, force: true } as const);
      const strategy = resolver?.strategy ?? 'upstream-wins';
      switch (resolution.action) {
        case 'apply':
          conflicts.push({
            ...conflict,
            resolution: `${strategy}: re-applied${resolution.force ? ' with force' : ''}`,
          });
          object = resolution.object;
          force = resolution.force ?? false;
          continue;
        case 'keep-existing':
          conflicts.push({ ...conflict, resolution: `${strategy}: kept existing (${resolution.reason})` });
          return { status: 'kept', object: fresh, conflicts };
        case 'abort':
          conflicts.push({ ...conflict, resolution: `${strategy}: aborted (${resolution.reason})` });
          return {
            status: 'aborted',
            error: new TmcError({
              type: TmcErrorType.ResourceConflict,
              message: resolution.reason,
              retryable: false,
            }),
            conflicts,
          };
      }
    }
  }
}
