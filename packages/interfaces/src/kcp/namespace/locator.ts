import { TmcError, TmcErrorType } from '../../errors.js';
import { isRecord } from '../../json.js';
import type { KubeObject } from '../../object.js';
import { goJsonString } from '../encoding.js';
import { NAMESPACE_LOCATOR_ANNOTATION } from '../labels.js';

// The namespace locator: which upstream logical cluster + namespace, synced by which SyncTarget, a downstream
// namespace (or cluster-scoped object) stands for. kcp stores it as JSON in the `kcp.io/namespace-locator`
// annotation and hashes that JSON into the downstream namespace name, so its serialisation must match Go's
// `json.Marshal` of kcp's structs byte for byte (tmc: pkg/syncer/shared, `NamespaceLocator` and
// `SyncTargetLocator`; field order and tags confirmed by kcp's own test fixtures, e.g. kcp:
// pkg/syncer/spec/spec_process_test.go):
//
//   type NamespaceLocator struct {
//     SyncTarget  SyncTargetLocator   `json:"syncTarget"`
//     ClusterName logicalcluster.Name `json:"cluster,omitempty"`
//     Namespace   string              `json:"namespace"`
//   }
//   type SyncTargetLocator struct {
//     ClusterName    string    `json:"cluster,omitempty"`
//     DeprecatedPath string    `json:"path,omitempty"`   // v0.6.0; read, mapped to cluster, never written
//     Name           string    `json:"name"`
//     UID            types.UID `json:"uid"`
//   }

/** The SyncTarget that owns a downstream namespace. */
export interface SyncTargetLocator {
  /** Logical cluster holding the SyncTarget (`''` when unknown, omitted from the JSON). */
  readonly cluster: string;
  readonly name: string;
  readonly uid: string;
}

export interface NamespaceLocator {
  readonly syncTarget: SyncTargetLocator;
  /** Upstream logical cluster (`''` omitted from the JSON). */
  readonly cluster: string;
  /** Upstream namespace; `''` for cluster-scoped objects and for the tenant id. */
  readonly namespace: string;
}

/** A locator annotation that is not a valid locator. `field` is the JSON path at fault (`''`: the document). */
export class NamespaceLocatorError extends TmcError {
  readonly field: string;

  constructor(field: string, message: string, cause?: unknown) {
    const where = field === '' ? 'namespace locator' : `namespace locator field "${field}"`;
    super({ type: TmcErrorType.Invalid, message: `${where}: ${message}`, cause });
    this.field = field;
  }
}

/** Builds a locator (kcp: `shared.NewNamespaceLocator`); `syncTarget` may be a `SyncTargetRef`, only cluster/name/uid are kept. */
export function namespaceLocator(
  cluster: string,
  syncTarget: SyncTargetLocator,
  namespace: string,
): NamespaceLocator {
  return Object.freeze({
    syncTarget: Object.freeze({ cluster: syncTarget.cluster, name: syncTarget.name, uid: syncTarget.uid }),
    cluster,
    namespace,
  });
}

/** Go's `json.Marshal` of the locator: the exact bytes kcp hashes and stores in the annotation. */
export function namespaceLocatorToJson(locator: NamespaceLocator): string {
  const st = locator.syncTarget;
  const stCluster = st.cluster === '' ? '' : `"cluster":${goJsonString(st.cluster)},`;
  const cluster = locator.cluster === '' ? '' : `"cluster":${goJsonString(locator.cluster)},`;
  return (
    `{"syncTarget":{${stCluster}"name":${goJsonString(st.name)},"uid":${goJsonString(st.uid)}},` +
    `${cluster}"namespace":${goJsonString(locator.namespace)}}`
  );
}

// Go zero-fills a missing or null string field and rejects any other type; so do we.
function optionalString(object: Record<string, unknown>, key: string, field: string): string {
  const value = object[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new NamespaceLocatorError(field, `must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Parses and validates locator JSON. Beyond Go's decoding it requires `syncTarget` (an object) and a non-empty
 * `syncTarget.name`, since every kcp version writes both. A v0.6.0 `syncTarget.path` is read as
 * `syncTarget.cluster` when that is empty, as kcp's `LocatorFromAnnotations` does. Unknown fields are ignored.
 */
export function parseNamespaceLocator(json: string): NamespaceLocator {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (err) {
    throw new NamespaceLocatorError('', `not valid JSON (${(err as Error).message})`, err);
  }
  if (!isRecord(document)) throw new NamespaceLocatorError('', 'must be a JSON object');
  const syncTarget = document.syncTarget;
  if (!isRecord(syncTarget)) {
    throw new NamespaceLocatorError(
      'syncTarget',
      syncTarget === undefined ? 'is missing' : 'must be an object',
    );
  }
  const name = optionalString(syncTarget, 'name', 'syncTarget.name');
  if (name === '') throw new NamespaceLocatorError('syncTarget.name', 'must be a non-empty string');
  const stCluster = optionalString(syncTarget, 'cluster', 'syncTarget.cluster');
  const legacyPath = optionalString(syncTarget, 'path', 'syncTarget.path');
  return namespaceLocator(
    optionalString(document, 'cluster', 'cluster'),
    {
      cluster: stCluster === '' ? legacyPath : stCluster,
      name,
      uid: optionalString(syncTarget, 'uid', 'syncTarget.uid'),
    },
    optionalString(document, 'namespace', 'namespace'),
  );
}

export function namespaceLocatorEquals(a: NamespaceLocator, b: NamespaceLocator): boolean {
  return (
    a.cluster === b.cluster &&
    a.namespace === b.namespace &&
    a.syncTarget.cluster === b.syncTarget.cluster &&
    a.syncTarget.name === b.syncTarget.name &&
    a.syncTarget.uid === b.syncTarget.uid
  );
}

/**
 * The locator in an object's annotations: undefined when the annotation is absent, a
 * {@link NamespaceLocatorError} when it is present but invalid (an empty value included, as in kcp).
 */
export function locatorFromAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): NamespaceLocator | undefined {
  if (annotations === undefined || !Object.hasOwn(annotations, NAMESPACE_LOCATOR_ANNOTATION))
    return undefined;
  return parseNamespaceLocator(annotations[NAMESPACE_LOCATOR_ANNOTATION] ?? '');
}

/**
 * The locator of an object (a downstream namespace) for code that skips objects it cannot place: undefined when
 * the annotation is absent or invalid, where {@link locatorFromAnnotations} throws.
 */
export function locatorOf(object: KubeObject): NamespaceLocator | undefined {
  try {
    return locatorFromAnnotations(object.metadata.annotations);
  } catch {
    return undefined;
  }
}
