import type { GVR } from '@kcp-tmc/interfaces';

/** Same group and resource, any version (transformers care about the kind of object, not its API version). */
export function isResource(gvr: GVR, group: string, resource: string): boolean {
  return gvr.group === group && gvr.resource === resource;
}

export const isSecrets = (gvr: GVR) => isResource(gvr, '', 'secrets');
export const isConfigMaps = (gvr: GVR) => isResource(gvr, '', 'configmaps');
export const isDeployments = (gvr: GVR) => isResource(gvr, 'apps', 'deployments');
