import {
  DOWNSTREAM_CLUSTER_LABEL,
  EVENTS_GVR,
  type GVR,
  type InformerOptions,
  isNamespacesGvr,
  NAMESPACE_LOCATOR_INDEX,
  namespaceLocatorIndexFunc,
  ResourceStateValue,
  stateLabel,
  type UpstreamMode,
} from '@kcp-tmc/interfaces';

/**
 * Upstream: the virtual workspace shows only this SyncTarget's objects already; a wildcard view and a plain
 * cluster are filtered by the state label `state.workload.kcp.io/<key>=Sync`. Both kcp modes list across
 * logical clusters (`/clusters/*`).
 */
export function upstreamInformerOptions(
  gvr: GVR,
  syncTargetKey: string,
  mode: UpstreamMode,
  resyncPeriodMs: number,
): InformerOptions {
  const options: InformerOptions = { gvr, resyncPeriodMs };
  if (mode !== 'plain') options.cluster = '*';
  if (mode !== 'virtual-workspace')
    options.labelSelector = `${stateLabel(syncTargetKey)}=${ResourceStateValue.Sync}`;
  return options;
}

/**
 * Downstream: what this SyncTarget owns, by `internal.workload.kcp.io/cluster=<key>`. Events are nobody's
 * (kubelet and controllers write them), so their informer is unfiltered and the worker checks the namespace.
 * Namespaces carry the locator index the engine's NamespaceLocatorLookup reads. Every caller asking for one
 * GVR must build the options here, so the shared factory hands out one informer.
 */
export function downstreamInformerOptions(
  gvr: GVR,
  syncTargetKey: string,
  resyncPeriodMs: number,
): InformerOptions {
  if (gvr.group === EVENTS_GVR.group && gvr.resource === EVENTS_GVR.resource)
    return { gvr, resyncPeriodMs: 0 };
  const options: InformerOptions = {
    gvr,
    labelSelector: `${DOWNSTREAM_CLUSTER_LABEL}=${syncTargetKey}`,
    resyncPeriodMs,
  };
  if (isNamespacesGvr(gvr)) options.indexers = { [NAMESPACE_LOCATOR_INDEX]: namespaceLocatorIndexFunc };
  return options;
}
