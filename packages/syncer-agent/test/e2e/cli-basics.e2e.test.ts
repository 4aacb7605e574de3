// The CLI's operator comforts, run as a process through the `syncer-agent` bin (dist/cli/bin.js).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../src/cli/node-version.js';
import { CLI, CLI_BUILT, spawnAgent } from './support.js';

const ENGINES = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string };
  }
).engines.node;

/** A Node on this machine older than the engines range (the system Node 20 here and in CI), if any. */
function olderNode(): { path: string; version: string } | undefined {
  const which = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout ?? '';
  const candidates = new Set([
    ...which.split('\n').filter((p) => p !== ''),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ]);
  for (const path of candidates) {
    const probe = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const version = probe.stdout?.trim();
    if (probe.status === 0 && version && nodeVersionProblem(version, ENGINES) !== undefined) {
      return { path, version };
    }
  }
  return undefined;
}
const OLD_NODE = olderNode();

describe.skipIf(!CLI_BUILT)('syncer-agent bin (process)', () => {
  it.skipIf(OLD_NODE === undefined)(
    'on a Node older than engines, every command exits 1 with one line naming both versions',
    () => {
      const old = OLD_NODE as { path: string; version: string };
      for (const args of [['version'], ['run', '--help'], ['--sync-target-name=x']]) {
        const result = spawnSync(old.path, [CLI, ...args], { encoding: 'utf8' });
        expect(result.status).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(`syncer-agent needs Node.js ${ENGINES}, found v${old.version}\n`);
      }
    },
  );

  it('--version and version print the version', async () => {
    const version = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
    const flag = spawnAgent(['--version']);
    expect((await flag.exited).code).toBe(0);
    expect(flag.stdout()).toBe(`syncer-agent ${version}\n`);
    const command = spawnAgent(['version']);
    expect((await command.exited).code).toBe(0);
    expect(command.stdout()).toContain(`syncer-agent ${version} (node ${process.version}`);
  });

  it('with no upstream kubeconfig anywhere, exits 2 with one line instead of trying localhost:8080', async () => {
    const home = await mkdtemp(join(tmpdir(), 'agent-home-'));
    try {
      // KUBECONFIG empty and a HOME without .kube/config: client-node would invent http://localhost:8080.
      const env = { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };
      const agent = spawnAgent(['--sync-target-name=edge', '--from-cluster=root:org'], env);
      expect((await agent.exited).code).toBe(2);
      const lines = agent.stderr().split('\n');
      expect(lines).toContain(
        'syncer-agent run: --from-kubeconfig: no kubeconfig found (none given, KUBECONFIG unset, no ~/.kube/config, no in-cluster service account)',
      );
      expect(agent.stderr()).not.toContain('localhost:8080');
      const manifests = spawnAgent(['manifests', '--sync-target-name=edge', '--from-cluster=root:org'], env);
      expect((await manifests.exited).code).toBe(2);
      expect(manifests.stderr().split('\n')[0]).toBe(
        'syncer-agent manifests: --from-kubeconfig: no kubeconfig found (none given, KUBECONFIG unset, no ~/.kube/config, no in-cluster service account)',
      );
    } finally {
      await rm(home, { recursive: true });
    }
  });

  it('completion bash registers a completion that offers commands, flags and flag values', () => {
    const script = `
      syncer-agent() { "${process.execPath}" "${CLI}" "$@"; }
      source <(syncer-agent completion bash)
      complete -p syncer-agent
      offer() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _syncer_agent; echo "\${COMPREPLY[*]}"; }
      offer syncer-agent co
      offer syncer-agent run --logging-f
      offer syncer-agent run --logging-format ""
      offer syncer-agent --upstream-mode w
      offer syncer-agent demo --k
      offer syncer-agent completion ""
    `;
    const lines = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n');
    expect(lines.slice(0, 7)).toEqual([
      'complete -o default -F _syncer_agent syncer-agent',
      'completion',
      '--logging-format',
      'text json',
      'wildcard',
      '--keep-running',
      'bash zsh --help -h',
    ]);
  });

  it('completion zsh prints a #compdef script with every command and run flag', async () => {
    const agent = spawnAgent(['completion', 'zsh']);
    expect((await agent.exited).code).toBe(0);
    const script = agent.stdout();
    expect(script.startsWith('#compdef syncer-agent\n')).toBe(true);
    for (const command of ['run', 'demo', 'manifests', 'key', 'version', 'completion']) {
      expect(script).toContain(`    '${command}:`);
    }
    expect(script).toContain("--logging-format='[Log format: text or json");
    expect(script).toContain(':format:(text json)');
    expect(script).toContain("--from-kubeconfig='[Kubeconfig of the upstream (kcp).]:path:_files'");
    const bad = spawnAgent(['completion', 'fish']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toContain('syncer-agent completion: shell: expected one of bash, zsh, got "fish"');
  });
});
