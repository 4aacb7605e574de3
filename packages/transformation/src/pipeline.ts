import {
  cloneJson,
  isTmcError,
  isTransformSkip,
  type KubeObject,
  type PipelineOutcome,
  RESOURCE_TRANSFORMER,
  type ResourceTransformer,
  type SyncContext,
  TmcError,
  TmcErrorType,
  type TransformationPipeline,
} from '@kcp-tmc/interfaces';
import { injectAll, injectable } from 'tsyringe';

export interface TransformerPosition {
  /** Insert right before the transformer of this name. */
  readonly before?: string;
  /** Insert right after the transformer of this name. */
  readonly after?: string;
}

// Names the object by its key (the address it is synced under), not by fields a transformer may have rewritten.
function describeObject(context: SyncContext): string {
  const { cluster, namespace, name } = context.key;
  return `${context.direction} ${cluster}|${namespace ? `${namespace}/` : ''}${name}`;
}

function isKubeObject(value: unknown): value is KubeObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { metadata?: unknown }).metadata === 'object' &&
    (value as { metadata?: unknown }).metadata !== null
  );
}

/**
 * The ordered transformer pipeline. Each run works on a deep copy of its input (the informer's cached object is
 * never touched) and on a snapshot of the transformer list, so registering at run time never affects a run in
 * flight. A transformer that skips ends the run with the skip and its name; one that throws fails it with
 * TmcError TransformFailed naming the transformer, which is not retryable (the same object would fail the same
 * way): the object is retried when it changes. A TmcError a transformer throws on purpose keeps its type (e.g.
 * Invalid, or a retryable one from a lookup that could not reach its cluster), prefixed with the name.
 */
@injectable()
export class DefaultTransformationPipeline implements TransformationPipeline {
  private list: readonly ResourceTransformer[] = [];

  constructor(
    // Optional: a pipeline with no registered transformer passes objects through unchanged.
    @injectAll(RESOURCE_TRANSFORMER, { isOptional: true }) transformers: ResourceTransformer[] = [],
  ) {
    for (const transformer of transformers) this.register(transformer);
  }

  /** Appends, or inserts before/after a named transformer. Names are unique: a second one throws. */
  register(transformer: ResourceTransformer, position: TransformerPosition = {}): void {
    if (this.indexOf(transformer.name) >= 0) {
      throw new TypeError(`transformer "${transformer.name}" is already registered`);
    }
    const before = position.before === undefined ? undefined : this.anchor(position.before);
    const after = position.after === undefined ? undefined : this.anchor(position.after);
    if (before !== undefined && after !== undefined && after >= before) {
      throw new TypeError(
        `transformer "${transformer.name}": "${position.after}" does not come before "${position.before}"`,
      );
    }
    const at = after !== undefined ? after + 1 : (before ?? this.list.length);
    this.list = [...this.list.slice(0, at), transformer, ...this.list.slice(at)];
  }

  unregister(name: string): boolean {
    const at = this.indexOf(name);
    if (at < 0) return false;
    this.list = this.list.filter((_, i) => i !== at);
    return true;
  }

  transformers(): readonly ResourceTransformer[] {
    return this.list;
  }

  async run(object: KubeObject, context: SyncContext): Promise<PipelineOutcome> {
    const transformers = this.list;
    let current: KubeObject = cloneJson(object);
    const applied: string[] = [];
    for (const transformer of transformers) {
      let output: unknown;
      try {
        if (transformer.shouldTransform !== undefined && !transformer.shouldTransform(current, context))
          continue;
        output = await transformer.transform(current, context);
      } catch (err) {
        throw this.failure(transformer.name, context, err);
      }
      if (isTransformSkip(output)) return { skip: true, reason: output.reason, by: transformer.name };
      if (!isKubeObject(output)) {
        throw this.failure(transformer.name, context, new TypeError('returned no object'));
      }
      current = output;
      applied.push(transformer.name);
    }
    return { object: current, applied };
  }

  private failure(name: string, context: SyncContext, err: unknown): TmcError {
    const detail = err instanceof Error ? err.message : String(err);
    const message = `transformer "${name}" on ${describeObject(context)}: ${detail}`;
    if (isTmcError(err) && err.type !== TmcErrorType.Unknown) {
      return new TmcError({
        type: err.type,
        message,
        severity: err.severity,
        retryable: err.retryable,
        ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
        ...(err.status === undefined ? {} : { status: err.status }),
        ...(err.reason === undefined ? {} : { reason: err.reason }),
        causes: [...err.causes],
        cause: err,
      });
    }
    return new TmcError({ type: TmcErrorType.TransformFailed, message, retryable: false, cause: err });
  }

  private indexOf(name: string): number {
    return this.list.findIndex((t) => t.name === name);
  }

  private anchor(name: string): number {
    const at = this.indexOf(name);
    if (at < 0) throw new TypeError(`no transformer named "${name}" to insert next to`);
    return at;
  }
}
