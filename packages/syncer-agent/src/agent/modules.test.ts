import { WORKSPACE_DNS, WORKSPACE_DNS_OPTIONS } from '@kcp-tmc/downstream';
import type { Logger, SyncTarget, SyncTargetRef } from '@kcp-tmc/interfaces';
import { WORKSPACE_NAMESERVER_PROVIDER } from '@kcp-tmc/transformation';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { loadAgentOptions } from '../config/load.js';
import { type CompositionContext, downstreamModule, workspaceDnsOptions } from './modules.js';

// kcp's generated syncer Deployment: `--dns-image` in its args, NAMESPACE from the pod's namespace
// (reference/real-kcp/ground-truth/syncer.yaml.redacted).
const BASE = ['--sync-target-name=phys', '--from-cluster=1mkf0habviiif6ta'];
const ARGS = [...BASE, '--dns-image=ghcr.io/kcp-dev/kcp/syncer:v0.11.0'];
const ENV = { NAMESPACE: 'kcp-syncer-phys-17oz4k0x' };

function recordingLogger(warnings: string[]): Logger {
  const logger: Logger = {
    error: () => {},
    warn: (message: string) => warnings.push(message),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

describe('kcp’s per-workspace DNS in the composition', () => {
  it('is on with --dns-image and NAMESPACE, as kcp’s syncer Deployment runs', () => {
    const warnings: string[] = [];
    const options = loadAgentOptions(ARGS, { env: ENV });
    expect(workspaceDnsOptions(options, recordingLogger(warnings))).toEqual({
      namespace: 'kcp-syncer-phys-17oz4k0x',
      image: 'ghcr.io/kcp-dev/kcp/syncer:v0.11.0',
    });
    expect(warnings).toEqual([]);
  });

  it('is off without --dns-image, and off with a warning without NAMESPACE', () => {
    const warnings: string[] = [];
    const logger = recordingLogger(warnings);
    expect(workspaceDnsOptions(loadAgentOptions(BASE, { env: ENV }), logger)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(workspaceDnsOptions(loadAgentOptions(ARGS, { env: {} }), logger)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('binds WORKSPACE_DNS and makes it the pod templates’ nameserver provider', () => {
    const c = container.createChildContainer();
    const warnings: string[] = [];
    const context = {
      options: loadAgentOptions(ARGS, { env: ENV }),
      syncTarget: {} as SyncTarget,
      ref: {} as SyncTargetRef,
      logger: recordingLogger(warnings),
    } as unknown as CompositionContext;
    downstreamModule.register(c, context);
    expect(c.resolve(WORKSPACE_DNS_OPTIONS)).toEqual({
      namespace: 'kcp-syncer-phys-17oz4k0x',
      image: 'ghcr.io/kcp-dev/kcp/syncer:v0.11.0',
    });
    expect(c.isRegistered(WORKSPACE_DNS)).toBe(true);
    expect(c.isRegistered(WORKSPACE_NAMESERVER_PROVIDER)).toBe(true);

    const off = container.createChildContainer();
    downstreamModule.register(off, { ...context, options: loadAgentOptions(BASE) });
    expect(off.isRegistered(WORKSPACE_DNS)).toBe(false);
    expect(off.isRegistered(WORKSPACE_NAMESERVER_PROVIDER)).toBe(false);
  });
});
