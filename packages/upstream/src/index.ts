// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/upstream'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { DefaultEventSyncer } from './events/event-syncer.js';
export { type ObjectReference, type OwnedObject, OwnedObjectResolver } from './events/owner-resolver.js';
export { mergePatchDiff } from './json.js';
export { type EventSyncOptions, type UpstreamOptions, upstreamScope } from './options.js';
export { type RegisterUpstreamOptions, registerUpstream } from './register.js';
export { DefaultUpstreamStatusSyncer } from './status/status-syncer.js';
export { UPSTREAM_OPTIONS } from './tokens.js';
export { prepareForUpstream, withUpsyncedVersion } from './upsync/prepare.js';
export { UpsyncController, type UpsyncControllerParts } from './upsync/upsync-controller.js';
export { isUpsynced, statusChanged, UPSYNCED_RESOURCES, upsyncKeyFor } from './upsync/upsync-keys.js';
export {
  type UpsyncDownstreamView,
  type UpsyncKey,
  type UpsyncOutcome,
  UpsyncReconciler,
  type UpsyncReconcilerParts,
} from './upsync/upsync-reconciler.js';
