import { type FieldError, fieldInvalid } from './status.js';
import type { ServiceAllocatorLike } from './strategy.js';

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface ServiceAllocatorOptions {
  /** Service cluster IP range (IPv4 CIDR), default 10.96.0.0/12 like kubeadm. */
  serviceCIDR?: string;
  /** NodePort range, default 30000-32767. */
  nodePortRange?: [number, number];
}

/** Allocates Service cluster IPs and node ports per logical cluster, as the apiserver's allocators do. */
export class ServiceAllocator implements ServiceAllocatorLike {
  private readonly base: number;
  private readonly size: number;
  private readonly portMin: number;
  private readonly portMax: number;
  private readonly ips = new Map<string, Set<number>>();
  private readonly ports = new Map<string, Set<number>>();
  private readonly nextIp = new Map<string, number>();
  private readonly nextPort = new Map<string, number>();

  constructor(options: ServiceAllocatorOptions = {}) {
    const [addr, bits] = (options.serviceCIDR ?? '10.96.0.0/12').split('/') as [string, string];
    const prefix = Number(bits);
    this.size = 2 ** (32 - prefix);
    this.base = ((ipToInt(addr) ?? 0) & ~(this.size - 1)) >>> 0;
    [this.portMin, this.portMax] = options.nodePortRange ?? [30000, 32767];
  }

  private set(map: Map<string, Set<number>>, cluster: string): Set<number> {
    let s = map.get(cluster);
    if (!s) {
      s = new Set();
      map.set(cluster, s);
    }
    return s;
  }

  allocateClusterIP(cluster: string, requested?: string): string | FieldError {
    const used = this.set(this.ips, cluster);
    if (requested !== undefined) {
      const n = ipToInt(requested);
      if (n === undefined || n < this.base || n >= this.base + this.size) {
        return fieldInvalid(
          'spec.clusterIPs',
          [requested],
          `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${intToIp(this.base)}/${32 - Math.log2(this.size)}`,
        );
      }
      if (used.has(n)) {
        return fieldInvalid(
          'spec.clusterIPs',
          [requested],
          `failed to allocate IP ${requested}: provided IP is already allocated`,
        );
      }
      used.add(n);
      return requested;
    }
    // Offset 1 is the kubernetes Service's address; start dynamic allocation at .10.
    let offset = this.nextIp.get(cluster) ?? 10;
    for (let tries = 0; tries < this.size; tries++) {
      if (offset >= this.size - 1) offset = 2;
      const n = this.base + offset;
      offset++;
      if (!used.has(n)) {
        used.add(n);
        this.nextIp.set(cluster, offset);
        return intToIp(n);
      }
    }
    return fieldInvalid('spec.clusterIPs', [], 'failed to allocate IP: range is full');
  }

  releaseClusterIP(cluster: string, ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.ips.get(cluster)?.delete(n);
  }

  allocateNodePort(cluster: string, requested?: number): number | FieldError {
    const used = this.set(this.ports, cluster);
    if (requested !== undefined) {
      if (requested < this.portMin || requested > this.portMax) {
        return fieldInvalid(
          'spec.ports[0].nodePort',
          requested,
          `provided port is not in the valid range. The range of valid ports is ${this.portMin}-${this.portMax}`,
        );
      }
      if (used.has(requested))
        return fieldInvalid('spec.ports[0].nodePort', requested, 'provided port is already allocated');
      used.add(requested);
      return requested;
    }
    let port = this.nextPort.get(cluster) ?? this.portMin;
    for (let tries = 0; tries <= this.portMax - this.portMin; tries++) {
      if (port > this.portMax) port = this.portMin;
      const p = port++;
      if (!used.has(p)) {
        used.add(p);
        this.nextPort.set(cluster, port);
        return p;
      }
    }
    return fieldInvalid('spec.ports[0].nodePort', 0, 'range is full');
  }

  releaseNodePort(cluster: string, port: number): void {
    this.ports.get(cluster)?.delete(port);
  }
}
