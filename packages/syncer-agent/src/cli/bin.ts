#!/usr/bin/env node
// The `syncer-agent` executable. It checks the Node version before loading the CLI: undici (under
// @kubernetes/client-node, loaded for exec and auth-provider users) needs zlib.createZstdDecompress (Node 22.15+;
// undici declares >=22.19) and fails on an older Node with a bare TypeError. package.json#engines is the source.
import { readFileSync } from 'node:fs';
import { nodeVersionProblem } from './node-version.js';
import { applyV8Defaults } from './v8-defaults.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines?: { node?: string };
};
const problem = nodeVersionProblem(process.versions.node, pkg.engines?.node ?? '');
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
// Before the agent's modules load, so they are compiled and placed under the same heap policy.
applyV8Defaults(process.execArgv);
const { main } = await import('./main.js');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`syncer-agent: ${String(err)}\n`);
    process.exit(1);
  },
);
