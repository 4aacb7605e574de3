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
export { downstreamNamespace, SCENARIO_NAMESPACES, SCENARIOS, type Scenario, settle } from './scenarios.js';
