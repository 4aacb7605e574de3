import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** A resolver queries are forwarded to. */
export interface UpstreamResolver {
  readonly host: string;
  readonly port: number;
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address; port 53 when none is given. */
export function parseUpstream(value: string): UpstreamResolver {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed !== null) return { host: bracketed[1] as string, port: port(bracketed[2], value) };
  if (isIP(value) === 6) return { host: value, port: 53 };
  const at = value.lastIndexOf(':');
  if (at < 0) return { host: value, port: 53 };
  return { host: value.slice(0, at), port: port(value.slice(at + 1), value) };
}

function port(text: string | undefined, whole: string): number {
  if (text === undefined) return 53;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`invalid resolver address "${whole}"`);
  return n;
}

/**
 * The `nameserver` lines of a resolv.conf: where kcp's nameserver forwards (`forward . /etc/resolv.conf`), that
 * is the cluster's DNS as the pod sees it.
 */
export function resolversFromResolvConf(text: string): UpstreamResolver[] {
  const resolvers: UpstreamResolver[] = [];
  for (const line of text.split('\n')) {
    const [keyword, address] = line
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (keyword === 'nameserver' && address !== undefined && isIP(address.replace(/%.*$/, '')) !== 0) {
      resolvers.push({ host: address, port: 53 });
    }
  }
  return resolvers;
}

export function readResolvConf(path = '/etc/resolv.conf'): UpstreamResolver[] {
  const resolvers = resolversFromResolvConf(readFileSync(path, 'utf8'));
  if (resolvers.length === 0) throw new Error(`${path} names no nameserver`);
  return resolvers;
}
