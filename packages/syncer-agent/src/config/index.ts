export { type ParsedCommandLine, parseCommandLine } from './command-line.js';
export { ConfigError, type OptionSource } from './errors.js';
export { AGENT_FLAGS, envVariable, type FlagSpec, formatFlags, HELP_FLAG } from './flags.js';
export { agentOptionsFrom, loadAgentOptions } from './load.js';
export {
  type AgentOptions,
  DEFAULT_API_IMPORT_POLL_INTERVAL_MS,
  type LeaderElectionOptions,
  type ListenAddress,
  transportLimits,
} from './options.js';
export { SettingReader } from './settings.js';
export { type LoadSources, mergeSources, readConfigFile } from './sources.js';
export * as values from './values.js';
export { defined } from './values.js';
