// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/syncer-agent'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { leaderElectionModule, leaseName } from './agent/leader.js';
export {
  type AgentModule,
  type CompositionContext,
  conflictModule,
  DEFAULT_MODULES,
  downstreamModule,
  engineModule,
  healthModule,
  heartbeatModule,
  metricsModule,
  transformationModule,
  upstreamModule,
} from './agent/modules.js';
export { tunnelModule } from './agent/tunnel.js';
export { AgentStartError, syncTargetKeyOf } from './agent/upstream-access.js';
export { upsyncModule } from './agent/upsync.js';
export { UpsyncRunner, type UpsyncRunnerParts } from './agent/upsync-runner.js';
export { main } from './cli/main.js';
export { Agent, type AgentEndpoints, type CreateAgentOptions, createAgent } from './compose.js';
export * from './config/index.js';
export * from './logging/index.js';
export { AGENT_IMAGE_REPOSITORY, agentImage } from './manifests/image.js';
export { AGENT_NODE_OPTIONS } from './manifests/render.js';
export { LEADER_TASKS, type LeaderTask } from './tokens.js';
