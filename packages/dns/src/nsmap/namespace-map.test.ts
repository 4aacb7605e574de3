import { describe, expect, it } from 'vitest';
import { NamespaceMap } from './namespace-map.js';

// kcp's rule, pkg/dns/plugin/nsmap/namespace.go: split the FQDN in three at the first two dots; rewrite the
// second part when the third starts with "svc" and the second is mapped.
describe('NamespaceMap', () => {
  const map = new NamespaceMap();
  map.replace({ 'team-a': 'kcp-1a2b3c4d5e6f', empty: '' });

  it('rewrites <svc>.<logical-ns>.svc.<zone> to the physical namespace, lowercased', () => {
    expect(map.rewrite('web.team-a.svc.cluster.local')).toEqual({
      asked: 'web.team-a.svc.cluster.local',
      sent: 'web.kcp-1a2b3c4d5e6f.svc.cluster.local',
    });
    expect(map.rewrite('Web.TEAM-A.svc.Cluster.Local')?.sent).toBe('web.kcp-1a2b3c4d5e6f.svc.cluster.local');
  });

  it('rewrites whatever follows when it starts with "svc", as kcp’s prefix test does', () => {
    expect(map.rewrite('_http._tcp.web.team-a.svc.cluster.local')).toBeUndefined();
    expect(map.rewrite('web.team-a.svcx.example.com')?.sent).toBe('web.kcp-1a2b3c4d5e6f.svcx.example.com');
  });

  it('leaves other names alone: two labels, not under svc, unmapped or empty namespace', () => {
    expect(map.rewrite('web.team-a')).toBeUndefined();
    expect(map.rewrite('team-a')).toBeUndefined();
    expect(map.rewrite('.')).toBeUndefined();
    expect(map.rewrite('web.team-a.example.com')).toBeUndefined();
    expect(map.rewrite('web.other.svc.cluster.local')).toBeUndefined();
    expect(map.rewrite('web.empty.svc.cluster.local')).toBeUndefined();
  });

  it('replaces the whole mapping on each ConfigMap version, and maps nothing without one', () => {
    const m = new NamespaceMap();
    m.replace({ a: 'kcp-a' });
    m.replace({ b: 'kcp-b' });
    expect(m.physical('a')).toBeUndefined();
    expect(m.physical('b')).toBe('kcp-b');
    m.replace(undefined);
    expect(m.size).toBe(0);
  });
});
