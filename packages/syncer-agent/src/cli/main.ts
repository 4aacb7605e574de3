#!/usr/bin/env node
// tsyringe reads Reflect metadata when decorated classes load: this import must come first.
import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe } from '../agent/upstream-access.js';
import { ConfigError } from '../config/errors.js';
import { COMMANDS, usage } from './commands.js';
import { type CliIO, processIO } from './io.js';

/** Runs one CLI invocation and resolves with its exit code: 0 ok, 1 failure, 2 bad usage or options. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`syncer-agent: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(
        `syncer-agent ${command.name}: ${err.message}\n(see syncer-agent ${command.name} --help)\n`,
      );
      return err.exitCode;
    }
    io.stderr.write(`syncer-agent ${command.name}: ${describe(err)}\n`);
    return 1;
  }
}

// Run when executed (node dist/cli/main.js, or the syncer-agent bin), not when imported by tests.
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`syncer-agent: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
