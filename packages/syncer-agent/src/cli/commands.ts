import { completionCommand } from './completion.js';
import { demoCommand } from './demo.js';
import { dnsCommand } from './dns.js';
import type { Command } from './io.js';
import { keyCommand } from './key.js';
import { manifestsCommand } from './manifests.js';
import { runCommand } from './run.js';
import { versionCommand } from './version.js';

export const COMMANDS: readonly Command[] = [
  runCommand,
  demoCommand,
  manifestsCommand,
  keyCommand,
  dnsCommand,
  versionCommand,
  completionCommand(() => COMMANDS),
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `Usage: syncer-agent <command> [flags]

The kcp-tmc workload syncer.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Run "syncer-agent <command> --help" for a command's flags.
`;
}
