import type { FlagSpec } from './flags.js';

// The logging flags kcp's syncer binary registers: component-base's LoggingConfiguration flags (options.Logs
// in kcp: cmd/syncer/options/options.go) and, through component-base/cli.Run, klog's own flags (deprecated
// there, but accepted). kcp normalizes `_` to `-` in every flag name (cli.Run sets WordSepNormalizeFunc).

/** Flags that change how the agent logs. */
export const LOGGING_FLAGS: readonly FlagSpec[] = [
  {
    name: 'logging-format',
    type: 'string',
    placeholder: 'format',
    choices: ['text', 'json'],
    description: 'Log format: text or json (default: text on a terminal, json otherwise).',
  },
  {
    name: 'vmodule',
    type: 'string',
    placeholder: 'pattern=N,...',
    hidden: true,
    description: 'Accepted for kcp compatibility; per-file levels do not apply to this agent.',
  },
  {
    name: 'log-flush-frequency',
    type: 'string',
    placeholder: 'duration',
    default: '5s',
    hidden: true,
    description: 'Accepted for kcp compatibility; lines are written as they are logged.',
  },
  {
    name: 'log-json-info-buffer-size',
    type: 'string',
    placeholder: 'quantity',
    hidden: true,
    description: 'Accepted for kcp compatibility.',
  },
];

// klog's flags that have no meaning for this agent (it always logs to stderr): accepted with a value of
// the right kind so a kcp Deployment's args keep working.
const KLOG_STRING_FLAGS = [
  'log-dir',
  'log-file',
  'log-file-max-size',
  'stderrthreshold',
  'log-backtrace-at',
] as const;

/** Boolean flags with no effect; they take an optional `=true|false`, as pflag booleans do. */
export const NO_OP_BOOLEAN_FLAGS: readonly string[] = [
  'log-json-split-stream',
  'logtostderr',
  'alsologtostderr',
  'add-dir-header',
  'skip-headers',
  'skip-log-headers',
  'one-output',
];

export const KLOG_FLAGS: readonly FlagSpec[] = KLOG_STRING_FLAGS.map((name) => ({
  name,
  type: 'string' as const,
  hidden: true,
  flagOnly: true,
  description: 'klog flag, accepted for kcp compatibility (no effect).',
}));

// Go's strconv.ParseBool, which pflag uses for `--flag=value`.
const GO_BOOLEANS = new Set([
  '1',
  't',
  'T',
  'TRUE',
  'true',
  'True',
  '0',
  'f',
  'F',
  'FALSE',
  'false',
  'False',
]);

export function isGoBoolean(text: string): boolean {
  return GO_BOOLEANS.has(text);
}
