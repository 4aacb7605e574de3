import { describe, expect, it } from 'vitest';
import type { SyncTarget } from '../synctarget.js';
import { toSyncTargetKey } from './synctarget-key.js';
import {
  syncerVirtualWorkspaceUrl,
  syncTargetRefOf,
  upsyncerVirtualWorkspaceUrl,
  workspaceServerBase,
} from './synctarget-ref.js';

const target = (status: SyncTarget['status'] = {}): SyncTarget => ({
  metadata: { name: 'east', uid: 'u-1' },
  status,
});

describe('syncTargetRefOf', () => {
  it('keys the SyncTarget by the logical cluster name it is given', () => {
    expect(syncTargetRefOf('2x7f', target())).toEqual({
      cluster: '2x7f',
      name: 'east',
      uid: 'u-1',
      key: toSyncTargetKey('2x7f', 'east'),
    });
  });
});

describe('virtual workspace URLs', () => {
  it('reads the first published syncer and upsyncer URLs', () => {
    const st = target({
      virtualWorkspaces: [
        { syncerURL: 'https://kcp/services/syncer/a', upsyncerURL: 'https://kcp/services/upsyncer/a' },
        { syncerURL: 'https://kcp/services/syncer/b' },
      ],
    });
    expect(syncerVirtualWorkspaceUrl(st)).toBe('https://kcp/services/syncer/a');
    expect(upsyncerVirtualWorkspaceUrl(st)).toBe('https://kcp/services/upsyncer/a');
  });

  it('is undefined until kcp publishes one (absent or empty)', () => {
    expect(syncerVirtualWorkspaceUrl(target())).toBeUndefined();
    expect(syncerVirtualWorkspaceUrl(target({ virtualWorkspaces: [{ syncerURL: '' }] }))).toBeUndefined();
    expect(upsyncerVirtualWorkspaceUrl(target({ virtualWorkspaces: [{ syncerURL: 'x' }] }))).toBeUndefined();
  });
});

describe('workspaceServerBase', () => {
  it('cuts the workspace off a kcp server URL', () => {
    expect(workspaceServerBase('https://kcp:6443/clusters/root:org')).toBe('https://kcp:6443');
    expect(workspaceServerBase('https://kcp:6443/clusters/root:org/')).toBe('https://kcp:6443');
    expect(workspaceServerBase('https://kcp:6443/prefix/clusters/root')).toBe('https://kcp:6443/prefix');
  });

  it('is undefined for a server that names no workspace', () => {
    expect(workspaceServerBase('https://kcp:6443')).toBeUndefined();
    expect(workspaceServerBase('https://kcp:6443/clusters/root/api')).toBeUndefined();
  });
});
