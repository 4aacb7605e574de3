import type { ResourceType } from './resource-type.js';
import type { KubeObject } from './types.js';

/** The resource a request addresses, resolved from its path. */
export interface Target {
  /** Logical cluster; `*` for kcp wildcard requests. */
  cluster: string;
  rt: ResourceType;
  /** The version the client asked for (objects are presented with this apiVersion). */
  version: string;
  /** Namespace for namespaced resources; undefined lists across namespaces. */
  namespace: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
  /** An extra visibility filter (the syncer virtual workspace). */
  visible?: (cluster: string, object: KubeObject) => boolean;
  /** A transforming view over stored objects (the kcp syncer virtual workspace). */
  view?: ObjectView;
}

/** One write a view turns a client's write into, applied in order to the stored object. */
export interface ViewWrite {
  subresource: 'status' | undefined;
  object: KubeObject;
}

/** How a transforming view reads and writes: reads are derived from, writes rebuilt from, the stored object. */
export interface ObjectView {
  /** What a reader of the view sees of a stored object. */
  read(object: KubeObject): KubeObject;
  /** The writes to apply for a client's write of `incoming` (a view object) over `stored`. */
  write(
    stored: KubeObject,
    incoming: KubeObject,
    subresource: string | undefined,
    gr: { group: string; resource: string },
  ): ViewWrite[];
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  userAgent?: string;
  force?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WriteResult {
  /** HTTP status: 201 for creation, 200 otherwise. */
  code: number;
  object: KubeObject;
}
