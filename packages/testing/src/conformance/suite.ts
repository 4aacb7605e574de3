import { randomBytes } from 'node:crypto';
import { expect, it, type TestContext } from 'vitest';
import { RawClient, type RawResponse, type WatchEvent, type WatchStream } from './client.js';
import type { ConformanceTarget } from './target.js';

/** Shared state of one conformance run: the target, a client, and a namespace for the cases. */
export interface Suite {
  target: ConformanceTarget;
  client: RawClient;
  /** A namespace created for this run. */
  ns: string;
  /** A unique DNS-1123 name with a prefix. */
  name(prefix: string): string;
}

export type SuiteRef = () => Suite;

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function newSuite(target: ConformanceTarget): Suite {
  return { target, client: new RawClient(target.kubeconfig), ns: uniqueName('conf'), name: uniqueName };
}

/** Asserts a Status failure body as kube-apiserver sends it. */
export function expectStatus(res: RawResponse, code: number, reason: string): void {
  expect({ status: res.status, reason: res.json?.reason }, res.text).toEqual({ status: code, reason });
  expect(res.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  expect(typeof res.json.message).toBe('string');
}

export function expectOk(res: RawResponse, code = 200): void {
  expect(res.status, res.text).toBe(code);
}

export const cmPath = (ns: string, name?: string) =>
  `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;
export const deployPath = (ns: string, name?: string) =>
  `/apis/apps/v1/namespaces/${ns}/deployments${name ? `/${name}` : ''}`;

export function configMap(
  name: string,
  data: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data };
}

export function deployment(name: string, replicas = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'main', image: 'registry.k8s.io/pause:3.10', env: [{ name: 'A', value: '1' }] },
          ],
        },
      },
    },
  };
}

/** Creates an object and returns the created body (fails the case otherwise). */
// biome-ignore lint/suspicious/noExplicitAny: raw JSON read by assertions
export async function create(client: RawClient, path: string, body: unknown): Promise<any> {
  const res = await client.post(path, body);
  expect(res.status, res.text).toBe(201);
  return res.json;
}

/** `object` with `metadata` fields replaced: the body of an update that changes only metadata. */
export function withMetadata<T extends { metadata: object }>(
  object: T,
  metadata: Record<string, unknown>,
): T {
  return { ...object, metadata: { ...object.metadata, ...metadata } };
}

/** A case that runs only where `prepare` yields its context; `prepare` skips the case elsewhere. */
export function itWhere<C>(
  prepare: (s: SuiteRef, ctx: TestContext) => C | undefined,
  s: SuiteRef,
  title: string,
  body: (c: C, ctx: TestContext) => Promise<void>,
  timeoutMs?: number,
): void {
  it(
    title,
    async (ctx) => {
      const c = prepare(s, ctx);
      if (c !== undefined) await body(c, ctx);
    },
    timeoutMs,
  );
}

/** Waits for the stream's DELETED event, then expects exactly `types` so far; resolves with the DELETED event. */
export async function expectEventsUntilDeleted(
  stream: WatchStream,
  types: readonly string[],
): Promise<WatchEvent> {
  const deleted = await stream.waitFor((e) => e.type === 'DELETED');
  expect(stream.events.map((e) => e.type)).toEqual(types);
  return deleted;
}
