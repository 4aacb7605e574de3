/** What a scripted process reads and writes. */
export interface ProcessIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, when the client sends it; ends when the client closes it. */
  stdin: AsyncIterable<string> | undefined;
  env: ReadonlyMap<string, string>;
}

/** A command the container has no executable for (the runtime, not the shell, refuses it). */
export class ExecutableNotFound extends Error {
  constructor(readonly command: string) {
    super(`exec: "${command}": executable file not found in $PATH`);
  }
}

type Token = { word: string } | { op: ';' | '&&' | '||' };

/** Stands for `$?` in a word until its command runs (a character no script contains). */
const LAST_STATUS = '\u0000?';

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash']);

/**
 * The fake container's processes: `sh -c <script>` with a small shell (echo, env, printenv, cat, exit,
 * true, false, hostname, pwd; `;`, `&&`, `||`, quotes, $VAR and $?), or one of those commands directly.
 * Resolves with the exit code.
 */
export async function runProcess(argv: string[], io: ProcessIO): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) throw new ExecutableNotFound('');
  if (SHELLS.has(command)) {
    if (args[0] === '-c' && args[1] !== undefined) return runScript(args[1], io);
    if (args.length === 0 && io.stdin) return runScript(await readAll(io.stdin), io);
    return 0;
  }
  const code = await runBuiltin(command, args, io, new Map(io.env));
  if (code === undefined) throw new ExecutableNotFound(command);
  return code;
}

async function readAll(stdin: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk;
  return text;
}

async function runScript(script: string, io: ProcessIO): Promise<number> {
  const vars = new Map(io.env);
  let status = 0;
  let words: string[] = [];
  let skip = false;
  // $? is expanded when its command runs; other variables come from the environment.
  const tokens = tokenize(script, vars);
  const flush = async (): Promise<boolean> => {
    if (words.length > 0 && !skip) {
      const [cmd, ...args] = words;
      if (cmd === 'exit') {
        status = args[0] === undefined ? status : Number.parseInt(args[0], 10) & 255;
        return false;
      }
      const code = await runBuiltin(cmd!, args, io, vars);
      if (code === undefined) {
        io.stderr(`sh: ${cmd}: not found\n`);
        status = 127;
      } else status = code;
    }
    words = [];
    return true;
  };
  for (const t of tokens) {
    if ('word' in t) {
      words.push(t.word.replaceAll(LAST_STATUS, String(status)));
      continue;
    }
    if (!(await flush())) return status;
    skip = (t.op === '&&' && status !== 0) || (t.op === '||' && status === 0);
  }
  if (!(await flush())) return status;
  return status;
}

/** Splits a script into words and operators; expands $NAME (and marks $? for late expansion). */
function tokenize(script: string, vars: ReadonlyMap<string, string>): Token[] {
  const out: Token[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  const push = () => {
    if (word !== undefined) out.push({ word });
    word = undefined;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = (word ?? '') + c;
      continue;
    }
    if (c === '$') {
      const m = /^\$(\?|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/.exec(script.slice(i));
      if (m) {
        const name = m[1]!.replace(/[{}]/g, '');
        word = (word ?? '') + (name === '?' ? LAST_STATUS : (vars.get(name) ?? ''));
        i += m[0].length - 1;
        continue;
      }
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < script.length) word = (word ?? '') + script[++i];
      else word = (word ?? '') + c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === ' ' || c === '\t') push();
    else if (c === ';' || c === '\n') {
      push();
      out.push({ op: ';' });
    } else if ((c === '&' || c === '|') && script[i + 1] === c) {
      push();
      out.push({ op: c === '&' ? '&&' : '||' });
      i++;
    } else if (c === '\\' && i + 1 < script.length) word = (word ?? '') + script[++i];
    else word = (word ?? '') + c;
  }
  push();
  return out;
}

/** One builtin; undefined when there is no such command. */
async function runBuiltin(
  cmd: string,
  args: string[],
  io: ProcessIO,
  vars: ReadonlyMap<string, string>,
): Promise<number | undefined> {
  switch (cmd) {
    case 'echo': {
      const newline = args[0] !== '-n';
      io.stdout(`${(newline ? args : args.slice(1)).join(' ')}${newline ? '\n' : ''}`);
      return 0;
    }
    case 'env':
    case 'printenv': {
      if (args.length > 0) {
        const missing = args.filter((a) => !io.env.has(a));
        for (const a of args) if (io.env.has(a)) io.stdout(`${io.env.get(a)}\n`);
        return missing.length > 0 ? 1 : 0;
      }
      for (const [k, v] of io.env) io.stdout(`${k}=${v}\n`);
      return 0;
    }
    case 'cat':
      if (io.stdin) for await (const chunk of io.stdin) io.stdout(chunk);
      return 0;
    case 'true':
      return 0;
    case 'false':
      return 1;
    case 'hostname':
      io.stdout(`${vars.get('HOSTNAME') ?? ''}\n`);
      return 0;
    case 'pwd':
      io.stdout('/\n');
      return 0;
    default:
      return undefined;
  }
}
