import {
  isTransformSkip,
  type KubeObject,
  type ResourceTransformer,
  skipTransform,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { context, deployments } from '../test/support/fixtures.js';
import { DefaultTransformationPipeline } from './pipeline.js';

/** Appends its name to the `trace` annotation, so runs show which transformers ran in which order. */
function tracer(name: string, options: Partial<ResourceTransformer> = {}): ResourceTransformer {
  return {
    name,
    transform: (object) => {
      const trace = object.metadata.annotations?.trace;
      object.metadata.annotations = { trace: trace ? `${trace},${name}` : name };
      return object;
    },
    ...options,
  };
}

const object = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web', namespace: 'test' },
});
const names = (p: DefaultTransformationPipeline) => p.transformers().map((t) => t.name);

describe('DefaultTransformationPipeline', () => {
  it('runs applicable transformers in order and reports which ran', async () => {
    const pipeline = new DefaultTransformationPipeline([
      tracer('a'),
      tracer('only-up', { shouldTransform: (_o, c) => c.direction === 'up' }),
      tracer('b'),
    ]);
    const outcome = await pipeline.run(object(), context(deployments));
    expect(outcome).toEqual({
      object: { ...object(), metadata: { ...object().metadata, annotations: { trace: 'a,b' } } },
      applied: ['a', 'b'],
    });
  });

  it('works on a deep copy: the input is never touched, even by a failing run', async () => {
    const input = object();
    const before = structuredClone(input);
    const pipeline = new DefaultTransformationPipeline([
      tracer('a'),
      {
        name: 'boom',
        transform: (o) => {
          o.metadata.name = 'changed';
          throw new Error('boom');
        },
      },
    ]);
    await expect(pipeline.run(input, context(deployments))).rejects.toThrow(TmcError);
    expect(input).toEqual(before);
  });

  it('inserts before and after named transformers, and unregisters', () => {
    const pipeline = new DefaultTransformationPipeline([tracer('a'), tracer('c')]);
    pipeline.register(tracer('b'), { after: 'a' });
    pipeline.register(tracer('first'), { before: 'a' });
    pipeline.register(tracer('last'));
    pipeline.register(tracer('b2'), { after: 'b', before: 'c' });
    expect(names(pipeline)).toEqual(['first', 'a', 'b', 'b2', 'c', 'last']);
    expect(pipeline.unregister('b')).toBe(true);
    expect(pipeline.unregister('b')).toBe(false);
    expect(names(pipeline)).toEqual(['first', 'a', 'b2', 'c', 'last']);
  });

  it('rejects duplicate names, unknown anchors and contradictory positions', () => {
    const pipeline = new DefaultTransformationPipeline([tracer('a'), tracer('b')]);
    expect(() => pipeline.register(tracer('a'))).toThrow(/already registered/);
    expect(() => pipeline.register(tracer('x'), { before: 'nope' })).toThrow(/no transformer named "nope"/);
    expect(() => pipeline.register(tracer('x'), { after: 'b', before: 'a' })).toThrow(/does not come before/);
    expect(names(pipeline)).toEqual(['a', 'b']);
  });

  it('keeps a run in flight on its snapshot when transformers change meanwhile', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pipeline = new DefaultTransformationPipeline([
      { name: 'slow', transform: async (o) => gate.then(() => o) },
      tracer('a'),
    ]);
    const run = pipeline.run(object(), context(deployments));
    pipeline.register(tracer('added'));
    pipeline.unregister('a');
    release();
    expect(await run).toMatchObject({ applied: ['slow', 'a'] });
    expect(await pipeline.run(object(), context(deployments))).toMatchObject({ applied: ['slow', 'added'] });
  });

  it('ends with a skip, naming the transformer, and runs nothing after it', async () => {
    const pipeline = new DefaultTransformationPipeline([
      tracer('a'),
      { name: 'skipper', transform: () => skipTransform('not today') },
      tracer('never'),
    ]);
    const outcome = await pipeline.run(object(), context(deployments));
    expect(outcome).toEqual({ skip: true, reason: 'not today', by: 'skipper' });
    expect(isTransformSkip(outcome)).toBe(true);
  });

  it('wraps thrown errors into a non-retryable TransformFailed naming the transformer and the object', async () => {
    const cause = new Error('cannot parse');
    const pipeline = new DefaultTransformationPipeline([
      {
        name: 'parser',
        transform: () => {
          throw cause;
        },
      },
    ]);
    const error = await pipeline.run(object(), context(deployments)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TmcError);
    expect(error).toMatchObject({ type: TmcErrorType.TransformFailed, retryable: false, cause });
    expect((error as TmcError).message).toBe(
      'transformer "parser" on down root:org:ws|test/web: cannot parse',
    );
  });

  it('fails the same way when shouldTransform throws or a transformer returns no object', async () => {
    const throwsInPredicate = new DefaultTransformationPipeline([
      {
        name: 'picky',
        shouldTransform: () => {
          throw new Error('bad predicate');
        },
        transform: (o) => o,
      },
    ]);
    await expect(throwsInPredicate.run(object(), context(deployments))).rejects.toMatchObject({
      type: TmcErrorType.TransformFailed,
    });
    const returnsNothing = new DefaultTransformationPipeline([
      { name: 'lossy', transform: () => undefined as unknown as KubeObject },
    ]);
    await expect(returnsNothing.run(object(), context(deployments))).rejects.toThrow(
      'transformer "lossy" on down root:org:ws|test/web: returned no object',
    );
  });

  it('keeps the type of a TmcError a transformer throws on purpose (Invalid, or retryable lookups)', async () => {
    const invalid = new TmcError({
      type: TmcErrorType.Invalid,
      message: 'bad data',
      causes: [{ field: 'data' }],
    });
    const unreachable = new TmcError({ type: TmcErrorType.ClusterUnreachable, message: 'lookup failed' });
    for (const [thrown, retryable] of [
      [invalid, false],
      [unreachable, true],
    ] as const) {
      const pipeline = new DefaultTransformationPipeline([
        {
          name: 'checker',
          transform: () => {
            throw thrown;
          },
        },
      ]);
      const error = (await pipeline.run(object(), context(deployments)).catch((e: unknown) => e)) as TmcError;
      expect(error.type).toBe(thrown.type);
      expect(error.retryable).toBe(retryable);
      expect(error.causes).toEqual(thrown.causes);
      expect(error.message).toBe(`transformer "checker" on down root:org:ws|test/web: ${thrown.message}`);
      expect(error.cause).toBe(thrown);
    }
  });

  it('with no transformers returns an equal copy', async () => {
    const input = object();
    const outcome = await new DefaultTransformationPipeline().run(input, context(deployments));
    expect(outcome).toEqual({ object: input, applied: [] });
    expect(!isTransformSkip(outcome) && outcome.object).not.toBe(input);
  });
});
