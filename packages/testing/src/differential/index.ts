export { type AppObject, app } from './app.js';
export {
  type Difference,
  diffDumps,
  formatDifferences,
  type IntendedDifference,
  unexplained,
} from './diff.js';
export { type DumpedObject, dumpState, type StateDump } from './dump.js';
export { type NormalizedDump, normalizeDump, runSubstitutions } from './normalize.js';
export {
  type Churn,
  downstreamNamespace,
  SCENARIO_NAMESPACES,
  SCENARIOS,
  type Scenario,
  type ScenarioResult,
  settle,
} from './scenarios.js';
export {
  downstreamNamespaceOf,
  LOCATION_LABEL,
  placeOnAddedSyncTarget,
  TWO_SYNC_TARGETS,
} from './two-sync-targets.js';
export {
  deleteVolume,
  setVolumePhase,
  UPSYNC_RESOURCES,
  UPSYNC_SCENARIOS,
  type Upsynced,
  upstreamVolume,
  upsyncedVolume,
  upsyncLabels,
} from './upsync.js';
