#!/usr/bin/env node
// The `syncer-agent` executable. It checks the Node version before loading the CLI: on an older Node,
// undici (under @kubernetes/client-node and our kube client) fails at import with a bare TypeError, because it
// needs zlib.createZstdDecompress (Node 22.15+; undici declares >=22.19). package.json#engines is the source.
import { readFileSync } from 'node:fs';
import { nodeVersionProblem } from './node-version.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines?: { node?: string };
};
const problem = nodeVersionProblem(process.versions.node, pkg.engines?.node ?? '');
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
const { main } = await import('./main.js');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`syncer-agent: ${String(err)}\n`);
    process.exit(1);
  },
);
