import { formatFeatureGates } from '@kcp-tmc/interfaces';
import { createAgent } from '../compose.js';
import { AGENT_FLAGS, formatFlags } from '../config/flags.js';
import { loadAgentOptions } from '../config/load.js';
import type { Command } from './io.js';
import { loggerFor } from './io.js';
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

/** Exit code of a forced exit (second signal, or a shutdown past --shutdown-timeout). */
export const FORCED_EXIT_CODE = 130;

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the syncer agent.',
  flags: AGENT_FLAGS,
  async run(argv, io) {
    const options = loadAgentOptions(argv, { env: io.env });
    if (options.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (options.version === true) {
      io.stdout.write(`syncer-agent ${agentVersion()}\n`);
      return 0;
    }
    const logger = loggerFor(io, options.verbosity, options.loggingFormat);
    logger.debug('options', { ...options, featureGates: formatFeatureGates(options.featureGates) }, 2);

    let resolveExit: (code: number) => void = () => {};
    const exit = new Promise<number>((resolve) => {
      resolveExit = resolve;
    });
    let agent: Awaited<ReturnType<typeof createAgent>> | undefined;
    let signalled = false;
    // Ends a start still waiting for the SyncTarget (access or its virtual workspace URL).
    const starting = new AbortController();
    const drain = () => {
      const deadline = setTimeout(() => {
        logger.error('shutdown did not finish in time, exiting', { timeoutMs: options.shutdownTimeoutMs });
        resolveExit(FORCED_EXIT_CODE);
      }, options.shutdownTimeoutMs);
      deadline.unref();
      (agent?.stop() ?? Promise.resolve()).then(
        () => resolveExit(0),
        (err: unknown) => {
          logger.error('shutdown failed', { error: err });
          resolveExit(1);
        },
      );
    };
    const unsubscribe = io.onSignal((signal) => {
      if (signalled) {
        logger.warn('second signal, exiting without draining', { signal });
        resolveExit(FORCED_EXIT_CODE);
        return;
      }
      signalled = true;
      starting.abort(new Error(`${signal} received`));
      logger.info('signal received, draining', { signal, timeoutMs: options.shutdownTimeoutMs });
      if (agent !== undefined) drain();
    });
    try {
      agent = await createAgent(options, { logger, signal: starting.signal });
      if (signalled) {
        drain();
      } else {
        await agent.start();
        if (signalled) await agent.stop();
        const running = agent;
        void running.fatal.then(() => {
          // Already writing nothing; close what is open and exit for the Deployment to restart a standby.
          const forced = setTimeout(() => resolveExit(1), options.shutdownTimeoutMs);
          forced.unref();
          void running.stop().finally(() => resolveExit(1));
        });
      }
    } catch (err) {
      // A start cut short by a signal is a requested shutdown, not a failure.
      if (!signalled) {
        unsubscribe();
        await agent?.stop();
        throw err;
      }
      logger.debug('start interrupted by the signal', { error: err }, 2);
      // No agent to drain: nothing else would end the wait below.
      if (agent === undefined) resolveExit(0);
    }
    const code = await exit;
    unsubscribe();
    return code;
  },
};
