import {
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeClient,
  type KubeObject,
  locatorFromAnnotations,
  NAMESPACE_LOCATOR_ANNOTATION,
  NAMESPACES_GVR,
  type NamespaceLocator,
  namespaceLocatorEquals,
  namespaceLocatorToJson,
  type SyncTargetRef,
  TENANT_ID_LABEL,
  TmcError,
  TmcErrorType,
  tenantId,
} from '@kcp-tmc/interfaces';

/** Another namespace locator (or none) on the downstream namespace we need: kcp's "namespace collision". */
export class NamespaceCollisionError extends TmcError {
  constructor(
    readonly namespace: string,
    message: string,
  ) {
    // Not retryable: it needs a human (or the other owner) to move the namespace away.
    super({ type: TmcErrorType.ResourceConflict, message, retryable: false, reason: 'NamespaceCollision' });
  }
}

function notFound(err: unknown): boolean {
  return err instanceof TmcError && err.type === TmcErrorType.NotFound;
}

/** Checks that a namespace found downstream carries our locator. */
export function checkNamespaceLocator(namespace: KubeObject, locator: NamespaceLocator): void {
  const name = namespace.metadata.name ?? '';
  let found: NamespaceLocator | undefined;
  try {
    found = locatorFromAnnotations(namespace.metadata.annotations);
  } catch (err) {
    throw new NamespaceCollisionError(
      name,
      `namespace collision: ${name} has an invalid locator (${String(err)})`,
    );
  }
  if (found === undefined) {
    throw new NamespaceCollisionError(
      name,
      `namespace collision: ${name} exists downstream without a namespace locator`,
    );
  }
  if (!namespaceLocatorEquals(found, locator)) {
    throw new NamespaceCollisionError(
      name,
      `namespace collision: ${name} carries locator ${namespaceLocatorToJson(found)}, wanted ${namespaceLocatorToJson(locator)}`,
    );
  }
}

/**
 * The Namespace object we create for a locator: kcp's, exactly (pkg/syncer/spec/spec_process.go,
 * `ensureDownstreamNamespaceExists`): the ownership and tenant-id labels and the locator annotation only.
 */
export function namespaceFor(name: string, locator: NamespaceLocator, syncTarget: SyncTargetRef): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        [DOWNSTREAM_CLUSTER_LABEL]: syncTarget.key,
        [TENANT_ID_LABEL]: tenantId(locator),
      },
      annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locator) },
    },
  };
}

/**
 * Makes sure the downstream namespace of a locator exists and is ours. Namespaces already checked are
 * remembered (the cleaner forgets those it deletes), so a sync of many objects in one namespace costs one read.
 */
export class NamespaceEnsurer {
  private readonly ensured = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly client: KubeClient,
    private readonly syncTarget: SyncTargetRef,
    /** The namespace from a cache (our labelled namespaces); 'unknown' when no cache is running. */
    private readonly cached: (name: string) => KubeObject | undefined | 'unknown',
  ) {}

  async ensure(name: string, locator: NamespaceLocator): Promise<void> {
    const json = namespaceLocatorToJson(locator);
    if (this.ensured.get(name) === json && this.stillThere(name)) return;
    const running = this.inflight.get(name);
    if (running !== undefined) {
      await running;
      return this.ensure(name, locator);
    }
    const work = this.check(name, locator).finally(() => this.inflight.delete(name));
    this.inflight.set(name, work);
    await work;
    this.ensured.set(name, json);
  }

  forget(name: string): void {
    this.ensured.delete(name);
  }

  /**
   * A remembered namespace someone else deleted (the cache no longer has it, or it terminates) is checked again:
   * remembered blindly, every later write into it would fail 404 until a restart.
   */
  private stillThere(name: string): boolean {
    const found = this.cached(name);
    return found === 'unknown' || (found !== undefined && found.metadata.deletionTimestamp === undefined);
  }

  private async check(name: string, locator: NamespaceLocator): Promise<void> {
    const cached = this.cached(name);
    let existing = cached === 'unknown' ? undefined : cached;
    if (existing === undefined) {
      try {
        existing = await this.client.get(NAMESPACES_GVR, { name });
      } catch (err) {
        if (!notFound(err)) throw err;
      }
    }
    if (existing === undefined) {
      try {
        await this.client.create(NAMESPACES_GVR, namespaceFor(name, locator, this.syncTarget));
        return;
      } catch (err) {
        if (!(err instanceof TmcError && err.type === TmcErrorType.AlreadyExists)) throw err;
        existing = await this.client.get(NAMESPACES_GVR, { name });
      }
    }
    if (existing.metadata.deletionTimestamp !== undefined) {
      throw new TmcError({
        type: TmcErrorType.ResourceConflict,
        message: `downstream namespace ${name} is terminating; waiting for it to go`,
        retryAfterMs: 1000,
      });
    }
    checkNamespaceLocator(existing, locator);
  }
}
