import { toSyncTargetKey } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './io.js';
import { main } from './main.js';

function fakeIO(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const handlers: Array<(signal: NodeJS.Signals) => void> = [];
  const io: CliIO = {
    stdout: { write: (c: string) => out.push(c) },
    stderr: { write: (c: string) => err.push(c) },
    env,
    onSignal(handler) {
      handlers.push(handler);
      return () => handlers.splice(handlers.indexOf(handler), 1);
    },
  };
  return {
    io,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('syncer-agent CLI', () => {
  it('prints usage and exits 2 without a command', async () => {
    const t = fakeIO();
    expect(await main([], t.io)).toBe(2);
    expect(t.err()).toContain('Usage: syncer-agent <command>');
  });

  it('rejects an unknown command with exit code 2', async () => {
    const t = fakeIO();
    expect(await main(['sync'], t.io)).toBe(2);
    expect(t.err()).toContain('unknown command "sync"');
  });

  it.each(['run', 'demo', 'manifests', 'key', 'version', 'completion'])(
    '%s --help prints its usage and exits 0',
    async (command) => {
      const t = fakeIO();
      expect(await main([command, '--help'], t.io)).toBe(0);
      expect(t.out()).toContain(`Usage: syncer-agent ${command}`);
    },
  );

  // kcp's generated Deployment passes flags only (its syncer is a root command): they mean `run`.
  it('leading flags run the agent command', async () => {
    const t = fakeIO();
    expect(await main(['--version'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^syncer-agent \d+\.\d+\.\d+/);
    const bad = fakeIO();
    expect(await main(['--sync-target-name=phys', '--nope'], bad.io)).toBe(2);
    expect(bad.err()).toContain('syncer-agent run: --nope: unknown flag (see --help)');
  });

  it('prints the SyncTarget key', async () => {
    const t = fakeIO();
    expect(await main(['key', '--cluster', 'root:org', '--name', 'east'], t.io)).toBe(0);
    expect(t.out()).toBe(`${toSyncTargetKey('root:org', 'east')}\n`);
  });

  it('key needs both flags', async () => {
    const t = fakeIO();
    expect(await main(['key', '--name', 'east'], t.io)).toBe(2);
    expect(t.err()).toContain('syncer-agent key: --cluster: is required');
  });

  it('prints the version', async () => {
    const t = fakeIO();
    expect(await main(['version'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^syncer-agent \d+\.\d+\.\d+ \(node v/);
  });

  it('a bad flag value exits 2 naming the field', async () => {
    const t = fakeIO();
    expect(await main(['run', '--sync-target-name=east', '--from-cluster=root', '--qps=x'], t.io)).toBe(2);
    expect(t.err()).toBe(
      'syncer-agent run: --qps: expected a number, got "x"\n(see syncer-agent run --help)\n',
    );
  });

  it('a bad environment value exits 2 naming the variable', async () => {
    const t = fakeIO({ KCP_TMC_WORKERS: '-1' });
    expect(await main(['run', '--sync-target-name=east', '--upstream-mode=plain'], t.io)).toBe(2);
    expect(t.err()).toContain('--workers (from KCP_TMC_WORKERS): expected a positive integer, got "-1"');
  });

  it('a start failure exits 1 with one line', async () => {
    const t = fakeIO();
    const code = await main(
      ['run', '--sync-target-name=east', '--upstream-mode=plain', '--from-kubeconfig=/nonexistent/kc'],
      t.io,
    );
    expect(code).toBe(1);
    expect(t.err()).toMatch(/syncer-agent run: cannot load --from-kubeconfig \/nonexistent\/kc: ENOENT/);
  });
});
