import type { ServerResponse } from 'node:http';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  type DiscoverySource,
  SIMULATED_VERSION,
} from '../api/discovery.js';
import { PlainNotFound } from '../api/status.js';
import type { ParsedPath } from './paths.js';
import { sendError, sendJson, sendText } from './respond.js';

/** Answers health, version and discovery paths; returns false for anything else. */
export function serveDiscovery(
  res: ServerResponse,
  parsed: ParsedPath,
  registry: DiscoverySource,
  cluster: string,
  serverAddress: string,
): boolean {
  switch (parsed.kind) {
    case 'health':
      sendText(res, 200, 'ok');
      return true;
    case 'version':
      sendJson(res, 200, SIMULATED_VERSION);
      return true;
    case 'legacyVersions':
      sendJson(res, 200, apiVersions(serverAddress));
      return true;
    case 'groupList':
      sendJson(res, 200, apiGroupList(registry, cluster));
      return true;
    case 'group': {
      const doc = apiGroup(registry, cluster, parsed.group);
      if (doc) sendJson(res, 200, doc);
      else sendError(res, new PlainNotFound());
      return true;
    }
    case 'resourceList': {
      const doc = apiResourceList(registry, cluster, parsed.group, parsed.version);
      if (doc) sendJson(res, 200, doc);
      else sendError(res, new PlainNotFound());
      return true;
    }
    default:
      return false;
  }
}
