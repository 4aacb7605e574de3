import { toSyncTargetKey } from '@kcp-tmc/interfaces';
import { parseCommandLine } from '../config/command-line.js';
import { ConfigError } from '../config/errors.js';
import type { FlagSpec } from '../config/flags.js';
import { formatFlags } from '../config/flags.js';
import { clusterPath, objectName } from '../config/values.js';
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

export const keyCommand: Command = {
  name: 'key',
  summary: 'Print the SyncTarget key of a cluster and name.',
  flags: FLAGS,
  async run(argv, io) {
    const { values, help } = parseCommandLine(argv, FLAGS);
    if (help) {
      io.stdout.write(HELP);
      return 0;
    }
    const read = (name: string, parse: typeof clusterPath) => {
      const value = values[name];
      if (typeof value !== 'string') throw new ConfigError(`--${name}`, 'is required');
      const parsed = parse(value);
      if (!parsed.ok) throw new ConfigError(`--${name}`, parsed.reason);
      return parsed.value;
    };
    const cluster = read('cluster', clusterPath);
    const name = read('name', objectName);
    io.stdout.write(`${toSyncTargetKey(cluster, name)}\n`);
    return 0;
  },
};
