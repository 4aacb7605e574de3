#!/usr/bin/env node
// Your own agent binary: the agent's options (flags, KCP_TMC_* environment, --config file), its logger and
// composition, plus whatever modules you add. tsyringe needs reflect-metadata first.
import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  type Agent,
  type AgentModule,
  ConfigError,
  createAgent,
  loadAgentOptions,
  StreamLogger,
} from '@kcp-tmc/syncer-agent';

export async function startAgent(
  argv: readonly string[],
  modules: readonly AgentModule[] = [],
): Promise<Agent> {
  const options = loadAgentOptions(argv, { env: process.env });
  const agent = await createAgent(options, {
    logger: new StreamLogger({ verbosity: options.verbosity }),
    extraModules: modules,
  });
  await agent.start();
  return agent;
}

// Run directly: `node dist/main.js --sync-target-name=... --from-kubeconfig=...`
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  startAgent(process.argv.slice(2)).then(
    (agent) => {
      process.once('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
      process.once('SIGINT', () => void agent.stop().then(() => process.exit(0)));
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(err instanceof ConfigError ? 2 : 1);
    },
  );
}
