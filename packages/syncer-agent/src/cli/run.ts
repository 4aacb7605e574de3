import { formatFeatureGates } from '@kcp-tmc/interfaces';
import { AGENT_FLAGS, formatFlags } from '../config/flags.js';
import { loadAgentOptions } from '../config/load.js';
import { flagCommand } from './flag-command.js';
import type { Command } from './io.js';
import { loggerFor } from './io.js';
import { AgentSupervisor } from './supervisor.js';
import { agentVersion } from './version.js';

const HELP = `Usage: syncer-agent run --sync-target-name <name> [--from-cluster <path>] [flags]

Runs the workload syncer: watches the upstream objects scheduled to the SyncTarget, applies them downstream,
and reports status, events and heartbeats upstream. Serves /metrics and /healthz /readyz /livez.
SIGTERM or SIGINT lets in-flight work finish and exits 0 within --shutdown-timeout (queued work is left for
the next start, which lists every object again); a second signal exits at once.

Every flag can also come from the environment (KCP_TMC_<FLAG>) or a YAML file (--config) keyed by flag
name; flags win over the environment, which wins over the file.

Flags:
${formatFlags(AGENT_FLAGS)}
`;

export { FORCED_EXIT_CODE } from './supervisor.js';

export const runCommand: Command = flagCommand({
  name: 'run',
  summary: 'Run the syncer agent.',
  flags: AGENT_FLAGS,
  help: HELP,
  async run(_commandLine, io, argv) {
    const options = loadAgentOptions(argv, { env: io.env });
    if (options.version === true) {
      io.stdout.write(`syncer-agent ${agentVersion()}\n`);
      return 0;
    }
    const logger = loggerFor(io, options.verbosity, options.loggingFormat);
    logger.debug('options', { ...options, featureGates: formatFeatureGates(options.featureGates) }, 2);

    const supervisor = new AgentSupervisor(options, logger);
    const unsubscribe = io.onSignal((signal) => supervisor.signal(signal));
    try {
      await supervisor.run();
    } catch (err) {
      unsubscribe();
      throw err;
    }
    const code = await supervisor.exit;
    unsubscribe();
    return code;
  },
});
