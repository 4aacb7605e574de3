import type { BoundKind } from './code-bounds.js';

/**
 * Places in the library sources allowed over a bound, each no larger than listed, until issue 19 splits it. The list
 * only shrinks: the bounds test fails on a place missing here, on one grown past its size, and on an entry whose
 * place is back within the bounds (delete the entry then). Keys: path, then the enclosing class and function names.
 */
export interface AllowedOffender {
  kind: BoundKind;
  key: string;
  size: number;
  /** The issue that splits it. */
  issue: number;
}

export const ALLOWED: AllowedOffender[] = [
  { kind: 'file', key: 'packages/downstream/src/apply/applier.ts', size: 397, issue: 19 },
  { kind: 'function', key: 'packages/downstream/src/apply/applier.ts:Applier/apply', size: 156, issue: 19 },
  {
    kind: 'constructor',
    key: 'packages/downstream/src/downstream-syncer.ts:DefaultDownstreamSyncer/constructor',
    size: 13,
    issue: 19,
  },
  { kind: 'file', key: 'packages/engine/src/engine.ts', size: 463, issue: 19 },
  {
    kind: 'constructor',
    key: 'packages/engine/src/engine.ts:DefaultSyncEngine/constructor',
    size: 21,
    issue: 19,
  },
  { kind: 'file', key: 'packages/engine/src/gvr-source.ts', size: 334, issue: 19 },
  {
    kind: 'constructor',
    key: 'packages/engine/src/sync-worker.ts:SyncWorker/constructor',
    size: 10,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/engine/src/test-support/engine-harness.ts:engineHarness',
    size: 88,
    issue: 19,
  },
  { kind: 'file', key: 'packages/kube/src/client/dynamic-client.ts', size: 334, issue: 19 },
  { kind: 'file', key: 'packages/kube/src/informer/shared-informer.ts', size: 308, issue: 19 },
  { kind: 'file', key: 'packages/syncer-agent/src/compose.ts', size: 359, issue: 19 },
  { kind: 'function', key: 'packages/syncer-agent/src/compose.ts:createAgent', size: 97, issue: 19 },
  { kind: 'file', key: 'packages/syncer-agent/src/config/load.ts', size: 387, issue: 19 },
  { kind: 'file', key: 'packages/testing/src/api/builtins.ts', size: 340, issue: 19 },
  { kind: 'file', key: 'packages/testing/src/api/service.ts', size: 426, issue: 19 },
  { kind: 'file', key: 'packages/testing/src/api/status.ts', size: 314, issue: 19 },
  { kind: 'file', key: 'packages/testing/src/api/table/columns-core.ts', size: 304, issue: 19 },
  { kind: 'function', key: 'packages/testing/src/api/table/pod-printer.ts:printPod', size: 98, issue: 19 },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/apply.ts:applyCases',
    size: 96,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/apply.ts:applyCases/describe('server-side apply')",
    size: 94,
    issue: 19,
  },
  { kind: 'function', key: 'packages/testing/src/conformance/cases/crds.ts:crdCases', size: 90, issue: 19 },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/crds.ts:crdCases/describe('custom resources')",
    size: 88,
    issue: 19,
  },
  { kind: 'function', key: 'packages/testing/src/conformance/cases/crud.ts:crudCases', size: 228, issue: 19 },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/crud.ts:crudCases/describe('create, get, update, delete')",
    size: 152,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/discovery.ts:discoveryCases',
    size: 134,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/discovery.ts:discoveryCases/describe('discovery and health')",
    size: 132,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/kcp-own-synctarget.ts:kcpOwnSyncTargetCases',
    size: 118,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/kcp-own-synctarget.ts:kcpOwnSyncTargetCases/describe('kcp syncer virtual workspace')",
    size: 116,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/kcp-own-synctarget.ts:kcpOwnSyncTargetCases/describe('kcp syncer virtual workspace')/it('publishes the virtual workspace URL and shows only objec...)",
    size: 114,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/kcp-syncer-lifecycle.ts:kcpSyncerLifecycleCases',
    size: 105,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/kcp-syncer-lifecycle.ts:kcpSyncerLifecycleCases/describe('kcp syncer virtual workspace: status and deletion')",
    size: 103,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/kcp-syncer-vw.ts:kcpSyncerVirtualWorkspaceCases',
    size: 165,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/kcp-syncer-vw.ts:kcpSyncerVirtualWorkspaceCases/describe('kcp syncer virtual workspace (v0.11 rules)')",
    size: 163,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/kcp-synctarget.ts:kcpSyncTargetCases',
    size: 99,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/kcp-synctarget.ts:kcpSyncTargetCases/describe('kcp SyncTarget controllers')",
    size: 97,
    issue: 19,
  },
  { kind: 'function', key: 'packages/testing/src/conformance/cases/kcp.ts:kcpCases', size: 200, issue: 19 },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/kcp.ts:kcpCases/describe('kcp logical clusters')",
    size: 198,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/lifecycle.ts:lifecycleCases',
    size: 145,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/lifecycle.ts:lifecycleCases/describe('finalizers and deletion')",
    size: 81,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/lists.ts:listCases',
    size: 109,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/lists.ts:listCases/describe('list: selectors and paging')",
    size: 107,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/patches.ts:patchCases',
    size: 95,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/patches.ts:patchCases/describe('patch: merge, JSON and strategic merge')",
    size: 93,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/cases/watch.ts:watchCases',
    size: 189,
    issue: 19,
  },
  {
    kind: 'function',
    key: "packages/testing/src/conformance/cases/watch.ts:watchCases/describe('watch')",
    size: 187,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/conformance/real-kcp-target.ts:realKcpTarget',
    size: 87,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/controllers/deployment.ts:reconcileDeployment',
    size: 126,
    issue: 19,
  },
  { kind: 'function', key: 'packages/testing/src/controllers/job.ts:reconcileJob', size: 89, issue: 19 },
  {
    kind: 'function',
    key: 'packages/testing/src/controllers/kubelet.ts:FakeKubelet/start',
    size: 103,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/testing/src/controllers/manager.ts:ControllerManager/constructor',
    size: 106,
    issue: 19,
  },
  { kind: 'function', key: 'packages/testing/src/patch/apply.ts:serverSideApply', size: 92, issue: 19 },
  { kind: 'function', key: 'packages/testing/src/real/kcp-world.ts:startKcpWorld', size: 122, issue: 19 },
  { kind: 'function', key: 'packages/testing/src/real/kube-apiserver.ts:startOnce', size: 95, issue: 19 },
  { kind: 'file', key: 'packages/testing/src/server/resource-handlers.ts', size: 302, issue: 19 },
  {
    kind: 'function',
    key: 'packages/testing/src/server/resource-handlers.ts:serveResource',
    size: 143,
    issue: 19,
  },
  { kind: 'file', key: 'packages/testing/src/server/server.ts', size: 306, issue: 19 },
  {
    kind: 'function',
    key: 'packages/testing/src/server/server.ts:KubeApiServer/handle',
    size: 126,
    issue: 19,
  },
  { kind: 'function', key: 'packages/testing/src/simulator.ts:startKubeSimulator', size: 111, issue: 19 },
  { kind: 'file', key: 'packages/tunnel/src/agent/tunnel-client.ts', size: 327, issue: 19 },
  { kind: 'file', key: 'packages/tunnel/src/protocol/stream.ts', size: 338, issue: 19 },
  { kind: 'file', key: 'packages/tunnel/src/server/tunnel-server.ts', size: 303, issue: 19 },
  {
    kind: 'function',
    key: 'packages/tunnel/src/server/upgrade-relay.ts:createUpgradeRelay',
    size: 85,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/upstream/src/events/event-syncer.ts:DefaultEventSyncer/syncEvent',
    size: 102,
    issue: 19,
  },
  {
    kind: 'function',
    key: 'packages/upstream/src/status/status-syncer.ts:DefaultUpstreamStatusSyncer/syncStatus',
    size: 90,
    issue: 19,
  },
];
