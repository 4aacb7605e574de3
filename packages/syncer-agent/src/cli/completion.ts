import { parseCommandLine } from '../config/command-line.js';
import { ConfigError } from '../config/errors.js';
import { type FlagSpec, HELP_FLAG } from '../config/flags.js';
import type { Command } from './io.js';

const SHELLS = ['bash', 'zsh'] as const;

const HELP = `Usage: syncer-agent completion bash|zsh

Prints a shell completion script for the commands, their flags and the values of flags with a fixed set.
  bash:  source <(syncer-agent completion bash)      (or save it in /etc/bash_completion.d/syncer-agent)
  zsh:   syncer-agent completion zsh > "\${fpath[1]}/_syncer-agent"   (then restart zsh)
`;

/** The `completion` command over `commands` (a thunk: the list includes this command). */
export const completionCommand = (commands: () => readonly Command[]): Command => ({
  name: 'completion',
  summary: 'Print a bash or zsh completion script.',
  words: SHELLS,
  async run(argv, io) {
    const { positionals, help } = parseCommandLine(argv, []);
    if (help) {
      io.stdout.write(HELP);
      return 0;
    }
    const shell = positionals[0];
    if (positionals.length !== 1 || !(SHELLS as readonly string[]).includes(shell as string)) {
      throw new ConfigError('shell', `expected one of ${SHELLS.join(', ')}, got "${positionals.join(' ')}"`);
    }
    io.stdout.write(shell === 'bash' ? bashCompletion(commands()) : zshCompletion(commands()));
    return 0;
  },
});

function visible(command: Command): FlagSpec[] {
  return [...(command.flags ?? []).filter((f) => f.hidden !== true), HELP_FLAG];
}

function flagWords(flags: readonly FlagSpec[]): string {
  return flags.flatMap((f) => [`--${f.name}`, ...(f.short === undefined ? [] : [`-${f.short}`])]).join(' ');
}

// `path` also names logical cluster paths (root:org): only these flags take files.
function isFile(f: FlagSpec): boolean {
  return f.placeholder === 'path' && /kubeconfig|^config$/.test(f.name);
}

/** Completion of one flag's value: its fixed set, files for paths, nothing to offer otherwise. */
function bashValueCases(commands: readonly Command[]): string {
  const flags = new Map<string, FlagSpec>();
  for (const command of commands) for (const f of command.flags ?? []) flags.set(f.name, f);
  const choices = [...flags.values()].filter((f) => f.choices !== undefined);
  const paths = [...flags.values()].filter(isFile);
  return [
    ...choices.map(
      (f) =>
        `    --${f.name}) COMPREPLY=($(compgen -W "${(f.choices ?? []).join(' ')}" -- "$cur")); return ;;`,
    ),
    `    ${paths.map((f) => `--${f.name}`).join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`,
  ].join('\n');
}

export function bashCompletion(commands: readonly Command[]): string {
  const run = commands.find((c) => c.name === 'run');
  const cases = commands.map((c) => {
    const words = [...(c.words ?? []), ...flagWords(visible(c)).split(' ')].join(' ');
    return `    ${c.name}) words="${words}" ;;`;
  });
  return `# bash completion for syncer-agent: source <(syncer-agent completion bash)
_syncer_agent() {
  local cur prev command words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${bashValueCases(commands)}
  esac
  if [[ $COMP_CWORD -eq 1 && "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} help" -- "$cur"))
    return
  fi
  command="\${COMP_WORDS[1]}"
  # Leading flags mean \`run\`, as kcp's syncer takes flags only.
  [[ "$command" == -* ]] && command=run
  case "$command" in
${cases.join('\n')}
    *) words="${run === undefined ? '' : flagWords(visible(run))}" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _syncer_agent syncer-agent
`;
}

/** zsh's _arguments spec of one flag: `--name=[description]:placeholder:action`. */
function zshSpec(f: FlagSpec): string {
  const text = f.description.replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')')).replaceAll("'", '');
  const names =
    f.type === 'boolean'
      ? f.short === undefined
        ? `--${f.name}`
        : `{-${f.short},--${f.name}}`
      : f.short === undefined
        ? `--${f.name}=`
        : `{-${f.short}+,--${f.name}=}`;
  if (f.type === 'boolean') return `${names}'[${text}]'`;
  const action = f.choices !== undefined ? `(${f.choices.join(' ')})` : isFile(f) ? '_files' : ' ';
  return `${names}'[${text}]:${f.placeholder ?? 'value'}:${action}'`;
}

export function zshCompletion(commands: readonly Command[]): string {
  const described = commands.map((c) => `    '${c.name}:${c.summary.replaceAll("'", '')}'`).join('\n');
  const cases = commands.map((c) => {
    const specs = visible(c).map(zshSpec);
    if (c.words !== undefined) specs.push(`'1:${c.name}:(${c.words.join(' ')})'`);
    return `    ${c.name})\n      _arguments -s \\\n        ${specs.join(' \\\n        ')}\n      ;;`;
  });
  return `#compdef syncer-agent
# zsh completion for syncer-agent: syncer-agent completion zsh > "\${fpath[1]}/_syncer-agent"
_syncer_agent() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )) && [[ "$words[2]" != -* ]]; then
    _describe -t commands 'syncer-agent command' commands
    return
  fi
  local command="$words[2]"
  if [[ "$command" == -* ]]; then
    # Leading flags mean \`run\`.
    command=run
  else
    shift words
    (( CURRENT-- ))
  fi
  case "$command" in
${cases.join('\n')}
  esac
}
# Autoloaded from fpath (#compdef) it runs as _syncer-agent; sourced, it registers itself.
if [[ "$funcstack[1]" == _syncer-agent ]]; then
  _syncer_agent "$@"
else
  compdef _syncer_agent syncer-agent
fi
`;
}
