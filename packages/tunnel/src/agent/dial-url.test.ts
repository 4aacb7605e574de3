import { describe, expect, it } from 'vitest';
import { TunnelUrlRefused, tunnelDialUrl } from './dial-url.js';

const UPSTREAM = 'https://kcp.example:6443/clusters/root:org';

describe('tunnelDialUrl', () => {
  it("dials the upstream's own host over wss, keeping the advertised path", () => {
    expect(tunnelDialUrl('https://kcp.example:6443/services/tunnel', UPSTREAM)).toBe(
      'wss://kcp.example:6443/services/tunnel',
    );
    expect(tunnelDialUrl('wss://kcp.example:6443/t?x=1', UPSTREAM)).toBe('wss://kcp.example:6443/t?x=1');
  });

  it.each([
    ['http://kcp.example:6443/t', 'tunnel URL scheme "http" refused: only https or wss'],
    ['ws://kcp.example:6443/t', 'tunnel URL scheme "ws" refused: only https or wss'],
    [
      'https://evil.example:6443/t',
      'tunnel host "evil.example:6443" is not the upstream\'s "kcp.example:6443"',
    ],
    [
      'https://kcp.example:7443/t',
      'tunnel host "kcp.example:7443" is not the upstream\'s "kcp.example:6443"',
    ],
    ['https://user:pw@kcp.example:6443/t', 'tunnel URL with credentials refused'],
    ['not a url', 'tunnel URL "not a url" is not a URL'],
  ])('refuses %s', (advertised, message) => {
    expect(() => tunnelDialUrl(advertised, UPSTREAM)).toThrow(new TunnelUrlRefused(message));
  });

  it('gives a cleartext upstream no tunnel', () => {
    expect(() => tunnelDialUrl('http://kcp.example:6443/t', 'http://kcp.example:6443')).toThrow(
      'the upstream http://kcp.example:6443 is not TLS: the tunnel would carry its token in cleartext',
    );
  });
});
