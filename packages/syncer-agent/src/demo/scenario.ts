import { type KubeObject, SYNC_TARGET_GVR, type SyncTarget, toSyncTargetKey } from '@kcp-tmc/interfaces';
import { acceptResources, type KubeSimulator, placedNamespace, startKubeSimulator } from '@kcp-tmc/testing';

/** Where the demo's SyncTarget lives, and the two workspaces that schedule the app to it. */
export const DEMO_CLUSTER = 'root:demo';
export const DEMO_WORKSPACES = ['root:demo:team-a', 'root:demo:team-b'] as const;
export const DEMO_SYNC_TARGET = 'demo-cluster';
export const DEMO_NAMESPACE = 'shop';
export const DEMO_REPLICAS = 2;

export interface DemoApiObject {
  readonly path: string;
  readonly object: KubeObject;
}

/**
 * The small app placed in each workspace: a Deployment, its Service, a ConfigMap and a Secret. They carry no
 * state label: kcp's resource controller gives them their namespace's (pkg/reconciler/workload/resource).
 */
export function demoApp(): DemoApiObject[] {
  const labels = { app: 'web' };
  const ns = `/api/v1/namespaces/${DEMO_NAMESPACE}`;
  const metadata = (name: string) => ({ name, namespace: DEMO_NAMESPACE, labels });
  const core = (resource: string, kind: string, name: string, fields: Record<string, unknown>) => ({
    path: `${ns}/${resource}`,
    object: { apiVersion: 'v1', kind, metadata: metadata(name), ...fields },
  });
  return [
    core('configmaps', 'ConfigMap', 'web-config', { data: { GREETING: 'hello from kcp' } }),
    core('secrets', 'Secret', 'web-credentials', { type: 'Opaque', stringData: { password: 'demo' } }),
    core('services', 'Service', 'web', {
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    }),
    {
      path: `/apis/apps/v1/namespaces/${DEMO_NAMESPACE}/deployments`,
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata('web'),
        spec: {
          replicas: DEMO_REPLICAS,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                {
                  name: 'web',
                  image: 'registry.example/web:1.0',
                  envFrom: [{ configMapRef: { name: 'web-config' } }],
                  ports: [{ containerPort: 8080 }],
                },
              ],
            },
          },
        },
      },
    },
  ];
}

export interface DemoWorld {
  readonly upstream: KubeSimulator;
  readonly downstream: KubeSimulator;
  readonly syncTarget: SyncTarget;
  readonly key: string;
  /** Objects placed upstream (per workspace) that must appear downstream. */
  readonly placed: number;
  stop(): Promise<void>;
}

export async function request(
  base: string,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<KubeObject> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as KubeObject;
  if (!res.ok)
    throw new Error(`${method} ${path}: ${res.status} ${(json as { message?: string }).message ?? ''}`);
  return json;
}

/**
 * A kcp-mode upstream simulator and a downstream simulator running fake controllers (Deployments become
 * ready Pods), a SyncTarget accepting deployments and services, and the app in a namespace placed on it in
 * each of two workspaces.
 */
export async function startDemoWorld(): Promise<DemoWorld> {
  const upstream = await startKubeSimulator({ kcp: { clusters: [DEMO_CLUSTER, ...DEMO_WORKSPACES] } });
  const downstream = await startKubeSimulator({ controllers: { podReadyDelayMs: 300 } });
  try {
    const stPath = `/clusters/${DEMO_CLUSTER}/apis/${SYNC_TARGET_GVR.group}/${SYNC_TARGET_GVR.version}/synctargets`;
    const created = (await request(upstream.url, stPath, 'POST', {
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      metadata: { name: DEMO_SYNC_TARGET },
    })) as SyncTarget;
    // What kcp does once the agent's API imports are compatible: the resources Accepted on the SyncTarget.
    const syncTarget = (await acceptResources(upstream, DEMO_CLUSTER, created.metadata.name as string, [
      'apps/v1/deployments',
      'v1/services',
    ])) as SyncTarget;
    const key = toSyncTargetKey(DEMO_CLUSTER, DEMO_SYNC_TARGET);
    const app = demoApp();
    for (const workspace of DEMO_WORKSPACES) {
      const base = `${upstream.url}/clusters/${workspace}`;
      // What kcp's Placement scheduling does: the namespace labelled for the SyncTarget.
      await request(base, '/api/v1/namespaces', 'POST', placedNamespace(DEMO_NAMESPACE, key));
      for (const { path, object } of app) await request(base, path, 'POST', object);
    }
    return {
      upstream,
      downstream,
      syncTarget,
      key,
      placed: app.length * DEMO_WORKSPACES.length,
      async stop() {
        await Promise.all([upstream.stop(), downstream.stop()]);
      },
    };
  } catch (err) {
    await Promise.all([upstream.stop(), downstream.stop()]);
    throw err;
  }
}
