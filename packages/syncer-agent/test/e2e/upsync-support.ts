// Downstream objects as a user (or kcp's tunnel mutator) labels them for kcp's upsyncer, shared by the upsync e2e
// and differential tests.
import type { KcpWorld } from '@kcp-tmc/testing';

export interface Upsynced {
  metadata: {
    name: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: Record<string, unknown>;
  status?: { phase?: string; [field: string]: unknown };
}

/**
 * kcp's upsyncer takes what its downstream informers see (the ownership label `internal.workload.kcp.io/cluster`)
 * and what is labelled `state.workload.kcp.io/<key>=Upsync` (pkg/syncer/upsync/upsync_controller.go).
 */
export function upsyncLabels(key: string, downstream: boolean): Record<string, string> {
  return {
    ...(downstream ? { 'internal.workload.kcp.io/cluster': key } : {}),
    [`state.workload.kcp.io/${key}`]: 'Upsync',
  };
}

/** A PersistentVolume's status as its controller writes it (none runs downstream here). */
export function pvStatus(phase: string): Record<string, unknown> {
  return { phase, lastPhaseTransitionTime: '2026-12-06T10:00:00Z' };
}

export function downstreamPod(
  name: string,
  namespace: string,
  key: string,
): Upsynced & Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'web', ...upsyncLabels(key, true) } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
  } as Upsynced & Record<string, unknown>;
}

/** A cluster-scoped object carries the locator itself, with an empty namespace (pkg/syncer/shared/namespace.go). */
export function downstreamPv(name: string, world: KcpWorld): Upsynced & Record<string, unknown> {
  const locator = {
    syncTarget: {
      cluster: world.generated.syncTargetCluster,
      name: world.generated.syncTargetName,
      uid: world.generated.syncTargetUid,
    },
    cluster: world.workspace.cluster,
    namespace: '',
  };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      labels: upsyncLabels(world.syncTargetKey, true),
      annotations: { 'kcp.io/namespace-locator': JSON.stringify(locator) },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      nfs: { path: '/tmp', server: '127.0.0.1' },
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
    },
  } as Upsynced & Record<string, unknown>;
}
