import { readFileSync } from 'node:fs';
import { type KubeObject, namespaceLocator, type SyncTargetRef, tenantId } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { dnsId } from './names.js';
import {
  dnsConfigMap,
  dnsDeployment,
  dnsNetworkPolicy,
  dnsRole,
  dnsRoleBinding,
  dnsService,
  dnsServiceAccount,
} from './objects.js';

// Every kcp-dns-* object kcp v0.11.0's Go syncer wrote into its namespace, read back from a real kube-apiserver
// (see the fixture's `_source`). Our objects must equal them once the server's own fields are dropped.
interface GroundTruth {
  readonly syncTarget: Omit<SyncTargetRef, 'key'>;
  readonly workspace: string;
  readonly dnsImage: string;
  readonly syncerNamespace: string;
  readonly objects: KubeObject[];
}
const truth = JSON.parse(
  readFileSync(new URL('../../test/support/kcp-dns-ground-truth.json', import.meta.url), 'utf8'),
) as GroundTruth;
const NAME = 'kcp-dns-phys-17oz4k0x-2kyu48xp';
const NS = truth.syncerNamespace;

// What the kube-apiserver and its controllers set, never the syncer: identity and bookkeeping, status, and the
// defaults of the Deployment, pod and Service schemas.
const SERVER_SET: Readonly<Record<string, readonly string[]>> = {
  '*': [
    'metadata.creationTimestamp',
    'metadata.resourceVersion',
    'metadata.uid',
    'metadata.generation',
    'status',
  ],
  Deployment: [
    'metadata.annotations', // deployment.kubernetes.io/revision, by the deployment controller
    'spec.progressDeadlineSeconds',
    'spec.revisionHistoryLimit',
    'spec.template.spec.dnsPolicy',
    'spec.template.spec.restartPolicy',
    'spec.template.spec.schedulerName',
    'spec.template.spec.securityContext',
    'spec.template.spec.serviceAccount',
    'spec.template.spec.terminationGracePeriodSeconds',
    'spec.template.spec.containers.0.resources',
    'spec.template.spec.containers.0.terminationMessagePath',
    'spec.template.spec.containers.0.env.0.valueFrom.fieldRef.apiVersion',
  ],
  Service: [
    'spec.clusterIP',
    'spec.clusterIPs',
    'spec.internalTrafficPolicy',
    'spec.ipFamilies',
    'spec.ipFamilyPolicy',
    'spec.sessionAffinity',
  ],
};

function drop(object: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let at: unknown = object;
  for (const part of parts.slice(0, -1)) {
    at = (at as Record<string, unknown> | undefined)?.[part];
  }
  if (at !== null && typeof at === 'object') delete (at as Record<string, unknown>)[parts.at(-1) as string];
}

function asWritten(kind: string): KubeObject {
  const found = truth.objects.find((o) => o.kind === kind && o.metadata.name === NAME);
  if (found === undefined) throw new Error(`no ${kind} ${NAME} in the fixture`);
  const copy = structuredClone(found) as KubeObject & Record<string, unknown>;
  for (const path of [...(SERVER_SET['*'] ?? []), ...(SERVER_SET[kind] ?? [])]) drop(copy, path);
  return copy;
}

describe('kcp’s per-workspace DNS objects (ground truth: kcp v0.11.0’s Go syncer)', () => {
  it('names them kcp-dns-<st>-<uid hash>-<workspace hash> (kcp: shared.GetDNSID)', () => {
    expect(dnsId(truth.workspace, truth.syncTarget.uid, truth.syncTarget.name)).toBe(NAME);
  });

  it('builds the ServiceAccount, Role and RoleBinding kcp writes', () => {
    expect(dnsServiceAccount(NAME, NS)).toEqual(asWritten('ServiceAccount'));
    expect(dnsRole(NAME, NS)).toEqual(asWritten('Role'));
    expect(dnsRoleBinding(NAME, NS)).toEqual(asWritten('RoleBinding'));
  });

  it('builds the Deployment running `syncer dns start` from --dns-image', () => {
    expect(dnsDeployment(NAME, NS, truth.dnsImage)).toEqual(asWritten('Deployment'));
  });

  it('builds the Service (53 -> 5353, UDP and TCP)', () => {
    expect(dnsService(NAME, NS)).toEqual(asWritten('Service'));
  });

  it('builds the NetworkPolicy from the tenant id and the default/kubernetes Endpoints', () => {
    const locator = namespaceLocator(truth.workspace, { ...truth.syncTarget }, 'demo');
    // The harness's default/kubernetes Endpoints for that run: the API server at 192.168.77.1:6443.
    const apiServer = {
      addresses: [{ ip: '192.168.77.1' }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    };
    expect(dnsNetworkPolicy(NAME, NS, tenantId(locator), apiServer)).toEqual(asWritten('NetworkPolicy'));
  });

  it('builds the ConfigMap mapping upstream to downstream namespaces, without data when there are none', () => {
    const data = { default: 'kcp-2q4dbsmxw6z3', demo: 'kcp-1s60339u6lau' };
    expect(dnsConfigMap(NAME, NS, data)).toEqual(asWritten('ConfigMap'));
    expect(dnsConfigMap(NAME, NS, {})).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: NAME, namespace: NS },
    });
  });
});
