import type { GVR, KubeObject, SyncTargetRef } from '@kcp-tmc/interfaces';
import type { PulledResource } from './schema-puller.js';

export const API_RESOURCE_IMPORTS_GVR: GVR = Object.freeze({
  group: 'apiresource.kcp.io',
  version: 'v1alpha1',
  resource: 'apiresourceimports',
});
/** The annotation kcp's importer puts the imported apiVersion in. */
export const API_VERSION_ANNOTATION = 'apiresource.kcp.io/apiVersion';

/** `deployments.<synctarget>.v1.apps`, `services.<synctarget>.v1.core`: kcp's name for an import. */
export function apiResourceImportName(syncTargetName: string, pulled: PulledResource): string {
  return `${pulled.names.plural}.${syncTargetName}.${pulled.version}.${pulled.group === '' ? 'core' : pulled.group}`;
}

/**
 * A new APIResourceImport for a pulled resource, filled as kcp v0.11's syncer fills it
 * (pkg/syncer/apiimporter.go): owned (controller) by the SyncTarget, located at the SyncTarget's name,
 * UpdateUnpublished, names and scope from downstream discovery, scale/status subresources, printer columns.
 */
export function newApiResourceImport(
  syncTarget: SyncTargetRef,
  syncTargetUid: string,
  pulled: PulledResource,
): KubeObject {
  const apiVersion = pulled.group === '' ? pulled.version : `${pulled.group}/${pulled.version}`;
  const annotations: Record<string, string> = { [API_VERSION_ANNOTATION]: apiVersion };
  if (pulled.apiApproved !== undefined) annotations['api-approved.kubernetes.io'] = pulled.apiApproved;
  return {
    apiVersion: 'apiresource.kcp.io/v1alpha1',
    kind: 'APIResourceImport',
    metadata: {
      name: apiResourceImportName(syncTarget.name, pulled),
      ownerReferences: [
        {
          apiVersion: 'workload.kcp.io/v1alpha1',
          kind: 'SyncTarget',
          name: syncTarget.name,
          uid: syncTargetUid,
          controller: true,
        },
      ],
      annotations,
    },
    spec: {
      groupVersion:
        pulled.group === '' ? { version: pulled.version } : { group: pulled.group, version: pulled.version },
      scope: pulled.scope,
      ...pulled.names,
      openAPIV3Schema: pulled.schema,
      ...(pulled.subresources.length > 0
        ? { subResources: pulled.subresources.map((name) => ({ name })) }
        : {}),
      ...(pulled.columns.length > 0 ? { columnDefinitions: pulled.columns.map((c) => ({ ...c })) } : {}),
      schemaUpdateStrategy: 'UpdateUnpublished',
      location: syncTarget.name,
    },
    status: {},
  };
}

/** The import's location and GVR (group, version, plural), as kcp's GVRForLocation index keys it. */
export function importKey(object: KubeObject): string {
  const spec = (object.spec ?? {}) as {
    location?: string;
    plural?: string;
    groupVersion?: { group?: string; version?: string };
  };
  return locationKey(
    spec.location ?? '',
    spec.groupVersion?.group ?? '',
    spec.groupVersion?.version ?? '',
    spec.plural ?? '',
  );
}

export function locationKey(location: string, group: string, version: string, plural: string): string {
  return `${location}$$${group}/${version}, Resource=${plural}`;
}
