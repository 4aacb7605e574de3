import { preservingCrd } from '../conformance/cases/crd-object.js';
import type { KitObject } from './sync-target.js';

export interface OpenCrdOptions {
  readonly group: string;
  /** The kind; its lower case is the singular, plus `s` the plural unless `plural` says otherwise. */
  readonly kind: string;
  readonly plural?: string;
  /** Default `Namespaced`. */
  readonly scope?: 'Namespaced' | 'Cluster';
  /** Merged into its one version (`v1`), e.g. `subresources` or `additionalPrinterColumns`. */
  readonly versionFields?: Readonly<Record<string, unknown>>;
}

/**
 * A CustomResourceDefinition with one served and stored version, `v1`, whose schema keeps every field: a custom
 * resource for tests that care about its API, not its shape (the conformance suite's, with version fields).
 */
export function openCrd({
  group,
  kind,
  plural = `${kind.toLowerCase()}s`,
  scope = 'Namespaced',
  versionFields = {},
}: OpenCrdOptions): KitObject {
  const crd = preservingCrd(group, plural, kind, { scope });
  const versions = crd.spec.versions.map((version) => ({ ...version, ...versionFields }));
  return { ...crd, spec: { ...crd.spec, versions } };
}
