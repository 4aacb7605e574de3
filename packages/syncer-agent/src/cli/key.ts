import { toSyncTargetKey } from '@kcp-tmc/interfaces';
import type { FlagSpec } from '../config/flags.js';
import { formatFlags } from '../config/flags.js';
import { clusterPath, objectName } from '../config/values.js';
import { flagCommand, flagValue } from './flag-command.js';
import type { Command } from './io.js';

const FLAGS: readonly FlagSpec[] = [
  {
    name: 'cluster',
    type: 'string',
    placeholder: 'path',
    flagOnly: true,
    description: 'Logical cluster of the SyncTarget (root:org:ws). Required.',
  },
  {
    name: 'name',
    type: 'string',
    placeholder: 'name',
    flagOnly: true,
    description: 'Name of the SyncTarget. Required.',
  },
];

const HELP = `Usage: syncer-agent key --cluster <path> --name <synctarget>

Prints the SyncTarget key: the suffix of the state label (state.workload.kcp.io/<key>), the syncer finalizer
and the downstream ownership label, as kcp computes it (base62 of SHA-224 over "<cluster>:<name>").

Flags:
${formatFlags(FLAGS)}
`;

export const keyCommand: Command = flagCommand({
  name: 'key',
  summary: 'Print the SyncTarget key of a cluster and name.',
  flags: FLAGS,
  help: HELP,
  run: async ({ values }, io) => {
    const key = toSyncTargetKey(
      flagValue(values, 'cluster', clusterPath),
      flagValue(values, 'name', objectName),
    );
    io.stdout.write(`${key}\n`);
    return 0;
  },
});
