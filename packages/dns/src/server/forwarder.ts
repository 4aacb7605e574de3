import { type DnsTransport, exchange } from './exchange.js';
import type { UpstreamResolver } from './upstream.js';

export interface ForwarderOptions {
  readonly resolvers: readonly UpstreamResolver[];
  /** How long one resolver is given to answer (ms). Default 2000. */
  readonly attemptTimeoutMs?: number;
  /** How long a query may take over all resolvers tried (ms). Default 5000, coredns forward's deadline. */
  readonly deadlineMs?: number;
}

/**
 * kcp's `forward . /etc/resolv.conf`: a query goes to one resolver picked at random (coredns forward's default
 * policy), then to the next one on failure, until one answers or the deadline passes. Over the transport the
 * client used, so a truncated UDP answer makes the client retry over TCP as usual.
 */
export class Forwarder {
  private readonly resolvers: readonly UpstreamResolver[];
  private readonly attemptTimeoutMs: number;
  private readonly deadlineMs: number;

  constructor(options: ForwarderOptions) {
    if (options.resolvers.length === 0) throw new Error('no resolver to forward to');
    this.resolvers = options.resolvers;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 2000;
    this.deadlineMs = options.deadlineMs ?? 5000;
  }

  async forward(query: Buffer, transport: DnsTransport): Promise<Buffer> {
    const start = Date.now();
    const first = Math.floor(Math.random() * this.resolvers.length);
    let lastError: unknown;
    for (let i = 0; i < this.resolvers.length; i++) {
      const left = this.deadlineMs - (Date.now() - start);
      if (left <= 0) break;
      const resolver = this.resolvers[(first + i) % this.resolvers.length] as UpstreamResolver;
      try {
        return await exchange(query, resolver, transport, Math.min(this.attemptTimeoutMs, left));
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error
      ? lastError
      : new Error(`no resolver answered within ${this.deadlineMs} ms`);
  }
}
