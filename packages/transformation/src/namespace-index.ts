import {
  type KubeObject,
  locatorOf,
  type NamespaceLocator,
  type NamespaceLocatorLookup,
  namespaceLocatorToJson,
  soleNamespaceFor,
} from '@kcp-tmc/interfaces';

/**
 * An in-memory {@link NamespaceLocatorLookup}, fed with downstream Namespace objects (e.g. from the downstream
 * namespace informer's events). Namespaces without a valid locator annotation are not indexed.
 */
export class NamespaceLocatorIndex implements NamespaceLocatorLookup {
  private readonly byName = new Map<string, NamespaceLocator>();
  private readonly byLocator = new Map<string, Set<string>>();

  /** Adds or updates a downstream namespace. Returns whether it carries a valid locator. */
  upsert(namespace: KubeObject): boolean {
    const name = namespace.metadata.name;
    if (name === undefined) return false;
    this.remove(name);
    // Without a locator we can read, the namespace is not ours to map to.
    const locator = locatorOf(namespace);
    if (locator === undefined) return false;
    this.byName.set(name, locator);
    const json = namespaceLocatorToJson(locator);
    const names = this.byLocator.get(json) ?? new Set<string>();
    names.add(name);
    this.byLocator.set(json, names);
    return true;
  }

  remove(name: string): void {
    const locator = this.byName.get(name);
    if (locator === undefined) return;
    this.byName.delete(name);
    const json = namespaceLocatorToJson(locator);
    const names = this.byLocator.get(json);
    names?.delete(name);
    if (names?.size === 0) this.byLocator.delete(json);
  }

  locatorOf(downstreamNamespace: string): NamespaceLocator | undefined {
    return this.byName.get(downstreamNamespace);
  }

  /** Throws a retryable ResourceConflict when two namespaces carry the same locator (kcp's "namespace collision"). */
  namespaceFor(locator: NamespaceLocator): string | undefined {
    return soleNamespaceFor([...(this.byLocator.get(namespaceLocatorToJson(locator)) ?? [])], locator);
  }

  size(): number {
    return this.byName.size;
  }
}
