import type { IndexFunc } from '../../contracts/kube.js';
import { TmcError, TmcErrorType } from '../../errors.js';
import { locatorOf, type NamespaceLocator, namespaceLocatorToJson } from './locator.js';

// Finding the downstream namespace of a locator: every downstream namespace informer that is asked by locator
// carries this one index, so informers shared through a factory agree on its name and function.

/** The index of downstream namespaces by locator (kcp: pkg/syncer/indexers `ByNamespaceLocatorIndexName`). */
export const NAMESPACE_LOCATOR_INDEX = 'namespace-locator';

/**
 * kcp's `IndexByNamespaceLocator`: the locator re-serialised as Go's JSON ({@link namespaceLocatorToJson}), so
 * the key does not depend on how the annotation's writer ordered or spaced it. A namespace without a readable
 * locator is not indexed. Look up with `namespaceLocatorToJson(locator)`.
 */
export const namespaceLocatorIndexFunc: IndexFunc = (object) => {
  const locator = locatorOf(object);
  return locator === undefined ? [] : [namespaceLocatorToJson(locator)];
};

/**
 * The one downstream namespace among `names` (those carrying `locator`); undefined when there is none. Two or
 * more are kcp's "namespace collision": a retryable ResourceConflict with kcp's message
 * (pkg/syncer/spec/spec_process.go and pkg/syncer/upsync/upsync_reconcile.go).
 */
export function soleNamespaceFor(names: readonly string[], locator: NamespaceLocator): string | undefined {
  if (names.length <= 1) return names[0];
  throw new TmcError({
    type: TmcErrorType.ResourceConflict,
    message: `(namespace collision) found multiple downstream namespaces: ${[...names].sort().join(',')} for upstream namespace ${locator.cluster}|${locator.namespace}`,
    retryable: true,
  });
}
