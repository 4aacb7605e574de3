import type { IndexFunc } from '@kcp-tmc/interfaces';

/** Every informer has these two indexes. */
export const NAMESPACE_INDEX = 'namespace';
export const CLUSTER_INDEX = 'cluster';
/** Indexes by `metadata.namespace` (`''` for cluster-scoped objects). */
export const namespaceIndexFunc: IndexFunc = (object) => [object.metadata.namespace ?? ''];

// One function per key: a shared informer accepts the same index name again only with the same function,
// so two controllers each asking for `labelIndexFunc('app')` must get the identical function.
const metadataIndexers = { labels: new Map<string, IndexFunc>(), annotations: new Map<string, IndexFunc>() };

function metadataIndexFunc(field: keyof typeof metadataIndexers, key: string): IndexFunc {
  const indexers = metadataIndexers[field];
  let fn = indexers.get(key);
  if (fn === undefined) {
    fn = (object) => {
      const value = object.metadata[field]?.[key];
      return value === undefined ? [] : [value];
    };
    indexers.set(key, fn);
  }
  return fn;
}

/** Indexes by the value of one label; objects without the label are not indexed. */
export function labelIndexFunc(label: string): IndexFunc {
  return metadataIndexFunc('labels', label);
}

/** Indexes by the value of one annotation; objects without it are not indexed. */
export function annotationIndexFunc(annotation: string): IndexFunc {
  return metadataIndexFunc('annotations', annotation);
}
