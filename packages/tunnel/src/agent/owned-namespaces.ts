import {
  DOWNSTREAM_CLUSTER_LABEL,
  isSyncTargetLocator,
  type KubeClient,
  locatorFromAnnotations,
  NAMESPACES_GVR,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';

/** A downstream namespace this SyncTarget owns, and the upstream namespace it holds. */
export interface OwnedNamespace {
  /** Downstream name. */
  name: string;
  /** Upstream logical cluster and namespace, from the locator. */
  cluster: string;
  namespace: string;
}

/**
 * The downstream namespaces whose locator names this SyncTarget (by uid and logical cluster, kcp's rule). The syncer labels every
 * namespace it owns with the SyncTarget key (the list's selector); the locator is the authority, so a namespace
 * of an older SyncTarget of the same name (another uid) is not ours. `onInvalid` hears of unreadable locators.
 */
export async function listOwnedNamespaces(
  downstream: KubeClient,
  syncTarget: SyncTargetRef,
  onInvalid: (name: string, err: Error) => void = () => {},
): Promise<OwnedNamespace[]> {
  const list = await downstream.list(NAMESPACES_GVR, undefined, {
    labelSelector: `${DOWNSTREAM_CLUSTER_LABEL}=${syncTarget.key}`,
  });
  const owned: OwnedNamespace[] = [];
  for (const item of list.items) {
    const name = item.metadata?.name;
    if (name === undefined) continue;
    let locator: ReturnType<typeof locatorFromAnnotations>;
    try {
      locator = locatorFromAnnotations(item.metadata.annotations);
    } catch (err) {
      onInvalid(name, err as Error);
      continue;
    }
    if (locator === undefined || !isSyncTargetLocator(locator, syncTarget)) continue;
    owned.push({ name, cluster: locator.cluster, namespace: locator.namespace });
  }
  return owned;
}
