import { readFileSync } from 'node:fs';
import { parseCommandLine } from '../config/command-line.js';
import type { Command } from './io.js';

/** This package's version, read from its package.json (beside dist/ and src/). */
export function agentVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the agent version.',
  async run(argv, io) {
    const { help } = parseCommandLine(argv, []);
    if (help) {
      io.stdout.write('Usage: syncer-agent version\n\nPrints the agent, Node.js and platform versions.\n');
      return 0;
    }
    io.stdout.write(
      `syncer-agent ${agentVersion()} (node ${process.version}, ${process.platform}/${process.arch})\n`,
    );
    return 0;
  },
};
