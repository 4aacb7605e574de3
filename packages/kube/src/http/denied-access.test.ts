import {
  gvr,
  type InformerFactory,
  type KubeClient,
  LOGGER,
  type Logger,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { container as rootContainer } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.js';
import { registerKube } from '../register.js';
import { DeniedAccessLog, parseDenied } from './denied-access.js';

const synctargets = gvr('workload.kcp.io', 'v1alpha1', 'synctargets');
const RBAC_MESSAGE =
  'synctargets.workload.kcp.io is forbidden: User "sa" cannot list resource "synctargets" in API group "workload.kcp.io" at the cluster scope';

function recordingLogger() {
  const warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
  const logger: Logger = {
    error: () => undefined,
    warn: (message, fields) => warnings.push({ message, fields }),
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  return { logger, warnings };
}

describe('parseDenied', () => {
  it('reads verb, resource, namespace, cluster and the field-selected name', () => {
    const list =
      '/clusters/root:org/apis/workload.kcp.io/v1alpha1/synctargets?fieldSelector=metadata.name%3Dphys';
    expect(parseDenied('upstream', 's', 'GET', list, 'm')).toMatchObject({
      verb: 'list',
      group: 'workload.kcp.io',
      resource: 'synctargets',
      name: 'phys',
      cluster: 'root:org',
    });
    expect(
      parseDenied('upstream', 's', 'GET', '/api/v1/namespaces/a/configmaps?watch=true', 'm'),
    ).toMatchObject({ verb: 'watch', group: '', resource: 'configmaps', namespace: 'a' });
    expect(
      parseDenied('upstream', 's', 'PATCH', '/apis/workload.kcp.io/v1alpha1/synctargets/phys/status', 'm'),
    ).toMatchObject({ verb: 'patch', resource: 'synctargets', name: 'phys', subresource: 'status' });
    expect(parseDenied('downstream', 's', 'PUT', '/api/v1/namespaces/ns1/finalize', 'm')).toMatchObject({
      verb: 'update',
      resource: 'namespaces',
      name: 'ns1',
      subresource: 'finalize',
    });
    expect(parseDenied('upstream', 's', 'GET', '/version', 'm')).toBeUndefined();
  });
});

describe('DeniedAccessLog', () => {
  it('logs an authorization refusal once per server, verb, resource and name, with what to grant', () => {
    const { logger, warnings } = recordingLogger();
    const log = new DeniedAccessLog('upstream', logger);
    const path = '/clusters/root:org/apis/workload.kcp.io/v1alpha1/synctargets';
    log.report('https://kcp/', 'GET', path, RBAC_MESSAGE);
    log.report('https://kcp/', 'GET', path, RBAC_MESSAGE);
    log.report('https://kcp/', 'GET', `${path}/phys`, RBAC_MESSAGE);
    log.report('https://other/', 'GET', path, RBAC_MESSAGE);
    expect(warnings.map((w) => w.message)).toEqual([
      'upstream denies list synctargets.workload.kcp.io in cluster root:org (HTTP 403): grant verb list on synctargets in API group "workload.kcp.io" to the agent\'s identity',
      'upstream denies get synctargets.workload.kcp.io "phys" in cluster root:org (HTTP 403): grant verb get on synctargets in API group "workload.kcp.io" (resourceNames: phys) to the agent\'s identity',
      'upstream denies list synctargets.workload.kcp.io in cluster root:org (HTTP 403): grant verb list on synctargets in API group "workload.kcp.io" to the agent\'s identity',
    ]);
    expect(warnings[0]?.fields).toEqual({ server: 'https://kcp/', status: 403, reason: RBAC_MESSAGE });
  });

  it('uses the hint when it has one, and ignores admission refusals (terminating namespace)', () => {
    const { logger, warnings } = recordingLogger();
    const log = new DeniedAccessLog('downstream', logger, (d) =>
      d.resource === 'secrets' ? 'ask the admin' : undefined,
    );
    log.report(
      's',
      'POST',
      '/api/v1/namespaces/x/secrets',
      'secrets is forbidden: User "u" cannot create resource "secrets" in API group "" in the namespace "x"',
    );
    log.report(
      's',
      'POST',
      '/api/v1/namespaces/x/configmaps',
      'configmaps "a" is forbidden: unable to create new content in namespace x because it is being terminated',
    );
    expect(warnings.map((w) => w.message)).toEqual([
      'downstream denies create secrets in namespace x (HTTP 403): ask the admin',
    ]);
  });
});

describe('denied requests through registerKube (simulator with enforced RBAC)', () => {
  let up: KubeSimulator;
  let down: KubeSimulator;
  beforeAll(async () => {
    [up, down] = await Promise.all([
      startKubeSimulator({ kcp: { clusters: ['root:org'] } }),
      startKubeSimulator(),
    ]);
    const res = await fetch(`${up.url}/clusters/root:org/apis/workload.kcp.io/v1alpha1/synctargets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: 'phys' },
      }),
    });
    expect(res.status).toBe(201);
    // kcp's generated syncer ClusterRole: get/list/watch on the one SyncTarget (resourceNames).
    up.setAccessRules({
      enforce: true,
      rules: [
        {
          verbs: ['get', 'list', 'watch'],
          groups: ['workload.kcp.io'],
          resources: ['synctargets'],
          names: ['phys'],
          allowed: true,
        },
        { groups: ['workload.kcp.io'], resources: ['synctargets'], allowed: false },
      ],
    });
  });
  afterAll(async () => {
    await up?.stop();
    await down?.stop();
  });

  it('an informer without the name selector is denied and logged once while it retries; with it, it syncs', async () => {
    const { logger, warnings } = recordingLogger();
    const container = rootContainer.createChildContainer();
    container.register(LOGGER, { useValue: logger });
    const registration = registerKube(container, {
      upstream: {
        kubeconfig: { kubeconfig: up.kubeconfig, context: 'base' },
        discovery: { cluster: 'root:org' },
        informers: { backoff: { initialMs: 5, maxMs: 20 } },
      },
      downstream: { kubeconfig: { kubeconfig: down.kubeconfig } },
    });
    try {
      const factory = container.resolve<InformerFactory>(UPSTREAM_INFORMER_FACTORY);
      const denied = factory.informerFor({ gvr: synctargets, cluster: 'root:org' });
      denied.start();
      await waitFor(
        () => warnings.filter((w) => w.message.startsWith('upstream denies list')).length > 0,
        'the denied list to be logged',
      );
      const listsBefore = failuresOf(denied);
      await waitFor(() => failuresOf(denied) >= listsBefore + 3, 'the informer to retry');
      expect(warnings.filter((w) => w.message.startsWith('upstream denies list'))).toHaveLength(1);
      expect(warnings.find((w) => w.message.startsWith('upstream denies list'))?.message).toBe(
        'upstream denies list synctargets.workload.kcp.io in cluster root:org (HTTP 403): grant verb list on synctargets in API group "workload.kcp.io" to the agent\'s identity',
      );

      const selected = factory.informerFor({
        gvr: synctargets,
        cluster: 'root:org',
        fieldSelector: 'metadata.name=phys',
      });
      selected.start();
      await selected.waitForSync();
      expect(selected.list().map((o) => o.metadata.name)).toEqual(['phys']);
      const client = container.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
      expect((await client.get(synctargets, { cluster: 'root:org', name: 'phys' })).metadata.name).toBe(
        'phys',
      );

      // A watch (the streaming path) is reported the same way, named by its field selector.
      const watch = async () => {
        for await (const _ of client.watch(
          synctargets,
          { cluster: 'root:org' },
          { fieldSelector: 'metadata.name=other' },
        )) {
          // no event is expected: the server refuses the watch
        }
      };
      await expect(watch()).rejects.toMatchObject({ type: 'Forbidden' });
      await waitFor(
        () =>
          warnings.some((w) =>
            w.message.startsWith('upstream denies watch synctargets.workload.kcp.io "other"'),
          ),
        'the denied watch to be logged',
      );
    } finally {
      await registration.close();
    }
  });
});

function failuresOf(informer: unknown): number {
  return (informer as { stats: { failures: number } }).stats.failures;
}
