import { readFileSync } from 'node:fs';
import {
  clusterKey,
  type GVR,
  gvr,
  isTransformSkip,
  type KubeObject,
  type SyncContext,
  type SyncTargetRef,
  TRANSFORMATION_PIPELINE,
  type TransformationPipeline,
} from '@kcp-tmc/interfaces';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { registerTransformation } from './register.js';
import {
  UPSTREAM_SECRET_LISTER,
  type UpstreamSecretLister,
  WORKSPACE_NAMESERVER_PROVIDER,
} from './tokens.js';

// Objects dumped from a real kcp v0.11.0 with its Go syncer (shared/reference/real-kcp/ground-truth/go-syncer):
// upstream objects in, the downstream objects kcp's syncer made out. See the file's `_source` for what was
// dropped from the downstream side (only what the downstream server and its controllers set).
interface GroundTruth {
  readonly syncTarget: SyncTargetRef;
  readonly upstreamServerUrl: string;
  readonly workspaceNameserver: string;
  readonly upstream: KubeObject[];
  readonly downstream: KubeObject[];
}
const truth = JSON.parse(
  readFileSync(new URL('../test/support/kcp-ground-truth.json', import.meta.url), 'utf8'),
) as GroundTruth;
const CLUSTER = '1mkf0habviiif6ta';

const GVRS: Record<string, GVR> = {
  Deployment: gvr('apps', 'v1', 'deployments'),
  ConfigMap: gvr('', 'v1', 'configmaps'),
  Secret: gvr('', 'v1', 'secrets'),
  Namespace: gvr('', 'v1', 'namespaces'),
};

function upstream(kind: string, namespace: string, name: string): KubeObject {
  const found = truth.upstream.find(
    (o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? '') === namespace,
  );
  if (found === undefined) throw new Error(`no upstream ${kind} ${namespace}/${name} in the fixture`);
  return found;
}

function downstream(kind: string, name: string): KubeObject {
  const found = truth.downstream.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no downstream ${kind} ${name} in the fixture`);
  return found;
}

const secretsLister: UpstreamSecretLister = {
  secretsIn: (cluster, namespace) =>
    truth.upstream.filter(
      (o) => o.kind === 'Secret' && o.metadata.namespace === namespace && cluster === CLUSTER,
    ),
};

function pipeline(dns: boolean): TransformationPipeline {
  const child = container.createChildContainer();
  child.register(UPSTREAM_SECRET_LISTER, { useValue: secretsLister });
  if (dns) {
    child.register(WORKSPACE_NAMESERVER_PROVIDER, {
      useValue: { nameserverFor: () => truth.workspaceNameserver },
    });
  }
  registerTransformation(child, { upstreamServerUrl: truth.upstreamServerUrl });
  return child.resolve<TransformationPipeline>(TRANSFORMATION_PIPELINE);
}

async function down(object: KubeObject, dns = true): Promise<KubeObject> {
  const resource = GVRS[object.kind ?? ''] as GVR;
  const namespace = resource.resource === 'namespaces' ? '' : (object.metadata.namespace ?? '');
  const context: SyncContext = {
    direction: 'down',
    syncTarget: truth.syncTarget,
    cluster: CLUSTER,
    gvr: resource,
    key: clusterKey(CLUSTER, resource, namespace, object.metadata.name ?? ''),
  };
  const outcome = await pipeline(dns).run(object, context);
  if (isTransformSkip(outcome)) throw new Error(`skipped by ${outcome.by}: ${outcome.reason}`);
  return outcome.object;
}

describe('the downstream objects are the ones kcp v0.11 Go syncer writes (ground truth)', () => {
  it('Namespace objects are not applied (kcp makes the namespace for the objects in it), but map to kcp’s names', async () => {
    // The namespace itself, as kcp makes it, is downstream's namespaceFor (ensure-namespace.test.ts).
    for (const [upstreamNs, downstreamNs] of [
      ['demo', 'kcp-1s60339u6lau'],
      ['default', 'kcp-2q4dbsmxw6z3'],
    ] as const) {
      const secret = truth.upstream.find((o) => o.kind === 'Secret' && o.metadata.namespace === upstreamNs);
      expect((await down(secret as KubeObject)).metadata.namespace).toBe(downstreamNs);
      expect(downstream('Namespace', downstreamNs).metadata.name).toBe(downstreamNs);
    }
  });

  it('ConfigMap and Secret: labels and annotations (kubectl last-applied included) as kcp copies them', async () => {
    expect(await down(upstream('ConfigMap', 'demo', 'app-config'))).toEqual(
      downstream('ConfigMap', 'app-config'),
    );
    expect(await down(upstream('Secret', 'demo', 'app-secret'))).toEqual(downstream('Secret', 'app-secret'));
  });

  it('kube-root-ca.crt becomes kcp-root-ca.crt', async () => {
    expect(await down(upstream('ConfigMap', 'demo', 'kube-root-ca.crt'))).toEqual(
      downstream('ConfigMap', 'kcp-root-ca.crt'),
    );
  });

  it('token Secrets: the default account’s renamed kcp-default-token-*, the syncer’s kept, both Opaque without the service-account annotations', async () => {
    const demoToken = downstream('Secret', 'kcp-default-token-x9ntq');
    expect(await down(upstream('Secret', 'demo', 'default-token-x9ntq'))).toEqual(demoToken);
    expect(await down(upstream('Secret', 'default', 'default-token-svlxg'))).toEqual(
      downstream('Secret', 'kcp-default-token-svlxg'),
    );
    expect(await down(upstream('Secret', 'default', 'kcp-syncer-phys-17oz4k0x-token-5f76s'))).toEqual(
      downstream('Secret', 'kcp-syncer-phys-17oz4k0x-token-5f76s'),
    );
  });

  it('Deployment: kcp’s pod template, byte for byte (env, mounts and volumes in kcp’s order), DNS from the provider', async () => {
    const written = await down(upstream('Deployment', 'demo', 'web'));
    const expected = downstream('Deployment', 'web');
    // toEqual compares lists in order: env, volumeMounts and volumes as kcp orders them (the pod-template hash
    // is over these values, so the Deployment controller computes kcp's web-5cc79bdf78).
    expect(written).toEqual(expected);
  });

  it('Deployment without a nameserver provider: everything but kcp’s DNS settings', async () => {
    const written = await down(upstream('Deployment', 'demo', 'web'), false);
    const expected = structuredClone(downstream('Deployment', 'web')) as KubeObject & {
      spec: { template: { spec: Record<string, unknown> } };
    };
    delete expected.spec.template.spec.dnsPolicy;
    delete expected.spec.template.spec.dnsConfig;
    expect(written).toEqual(expected);
  });
});
