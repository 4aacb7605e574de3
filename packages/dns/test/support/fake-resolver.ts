import { type Answer, decode, encode } from 'dns-packet';
import { NameServer } from '../../src/server/name-server.js';

const NXDOMAIN = 3;

/**
 * The cluster's DNS as the nameserver's pod sees it: answers A (and SRV, CNAME) records from a table, NXDOMAIN
 * for other names, and remembers every name asked. `silent` drops every query (an unreachable resolver).
 */
export class FakeResolver {
  readonly asked: string[] = [];
  silent = false;
  private readonly records = new Map<string, Answer[]>();
  private readonly server = new NameServer({
    handle: async (message) => {
      const query = decode(message);
      const question = query.questions?.[0];
      if (question === undefined || this.silent) return null;
      this.asked.push(question.name);
      const answers = (this.records.get(question.name.toLowerCase()) ?? []).filter(
        (a) => a.type === question.type,
      );
      const known = this.records.has(question.name.toLowerCase());
      return encode({
        type: 'response',
        id: query.id ?? 0,
        flags: ((query.flags ?? 0) & 0x0100) | 0x0400 | 0x0080 | (known ? 0 : NXDOMAIN),
        questions: [question],
        answers,
        authorities: known
          ? []
          : [
              {
                type: 'SOA',
                name: 'cluster.local',
                ttl: 30,
                data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1 },
              },
            ],
      });
    },
  });

  /** Adds an A record (and makes the name known). */
  a(name: string, address: string): this {
    return this.add({ type: 'A', name, ttl: 5, data: address });
  }

  add(answer: Answer): this {
    const key = answer.name.toLowerCase();
    this.records.set(key, [...(this.records.get(key) ?? []), answer]);
    return this;
  }

  async start(): Promise<{ host: string; port: number }> {
    await this.server.listen({ host: '127.0.0.1', port: 0 });
    return this.server.address;
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}
