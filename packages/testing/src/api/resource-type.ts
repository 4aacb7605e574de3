import type { GroupResource } from './status.js';

/** Subresources a resource serves besides the main endpoint. */
export interface Subresources {
  status?: boolean;
  scale?: boolean;
  /** pods/log */
  log?: boolean;
  /** pods/exec and pods/attach (the WebSocket remote-command protocol against the fake kubelet) */
  exec?: boolean;
  /** namespaces/finalize */
  finalize?: boolean;
}

/** Everything the server needs to know about one served resource (group + plural). */
export interface ResourceType {
  group: string;
  /** Served versions; the first one is the storage version. */
  versions: string[];
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresources;
  /** Whether metadata.generation is maintained (bumped on spec changes). */
  generation: boolean;
  /** Built-in kinds accept strategic-merge patches; custom resources do not. */
  builtin: boolean;
  /** DELETE answers with the object (custom resources, services) rather than a Success Status. */
  returnDeletedObject: boolean;
  /** Updates without metadata.resourceVersion are allowed (built-ins) or rejected (custom resources). */
  allowUnconditionalUpdate: boolean;
  /** Extra field-selector labels besides metadata.name/metadata.namespace. */
  fieldSelectors: Record<string, (obj: Record<string, unknown>) => string | undefined>;
  /** Name validation: RFC 1123 subdomain (default), RFC 1123 label, RFC 1035 label, or path-segment. */
  nameFormat: 'subdomain' | 'label' | 'dns1035' | 'path';
  /** Verbs listed in discovery. */
  verbs: string[];
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function grKey(gr: GroupResource): string {
  return `${gr.group}/${gr.resource}`;
}

export function storageVersion(rt: ResourceType): string {
  return rt.versions[0]!;
}

export interface ResourceTypeInit {
  group: string;
  versions: string[];
  resource: string;
  kind: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: string[];
  categories?: string[];
  subresources?: Subresources;
  generation?: boolean;
  builtin?: boolean;
  returnDeletedObject?: boolean;
  allowUnconditionalUpdate?: boolean;
  fieldSelectors?: ResourceType['fieldSelectors'];
  nameFormat?: ResourceType['nameFormat'];
  verbs?: string[];
}

export function defineResource(init: ResourceTypeInit): ResourceType {
  const builtin = init.builtin ?? true;
  return {
    group: init.group,
    versions: init.versions,
    resource: init.resource,
    singular: init.singular ?? init.kind.toLowerCase(),
    kind: init.kind,
    listKind: `${init.kind}List`,
    namespaced: init.namespaced,
    shortNames: init.shortNames ?? [],
    categories: init.categories ?? [],
    subresources: init.subresources ?? {},
    generation: init.generation ?? false,
    builtin,
    returnDeletedObject: init.returnDeletedObject ?? !builtin,
    allowUnconditionalUpdate: init.allowUnconditionalUpdate ?? builtin,
    fieldSelectors: init.fieldSelectors ?? {},
    nameFormat: init.nameFormat ?? 'subdomain',
    verbs: init.verbs ?? ALL_VERBS,
  };
}
