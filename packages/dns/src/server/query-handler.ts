import { type Logger, NOOP_LOGGER } from '@kcp-tmc/interfaces';
import { type DecodedPacket, decode, encode } from 'dns-packet';
import type { NamespaceMap } from '../nsmap/namespace-map.js';
import { revertResponse } from '../nsmap/revert.js';
import type { DnsTransport } from './exchange.js';
import { errorReply, fitUdp, formatErrorReply, RCODE_SERVFAIL, udpLimit } from './replies.js';

/** Where queries go after the namespace rewrite. */
export interface QueryForwarder {
  forward(query: Buffer, transport: DnsTransport): Promise<Buffer>;
}

/**
 * kcp's nameserver chain (`errors`, `nsmap`, `forward`) for one message: a query whose first question names a
 * Service in a mapped namespace is sent on with the physical namespace and its answer is reverted; anything else
 * is relayed byte for byte. Null: nothing to send back (not a query at all).
 */
export class QueryHandler {
  constructor(
    private readonly map: NamespaceMap,
    private readonly forwarder: QueryForwarder,
    private readonly logger: Logger = NOOP_LOGGER,
  ) {}

  async handle(message: Buffer, transport: DnsTransport): Promise<Buffer | null> {
    let query: DecodedPacket;
    try {
      query = decode(message);
    } catch (err) {
      this.logger.debug('malformed DNS message', { error: String(err), bytes: message.length });
      return formatErrorReply(message);
    }
    if (query.type !== 'query') return null;
    const asked = query.questions?.[0];
    const rewrite = asked === undefined ? undefined : this.map.rewrite(asked.name);
    try {
      if (asked === undefined || rewrite === undefined)
        return await this.forwarder.forward(message, transport);
      this.logger.debug('rewriting DNS name', { before: rewrite.asked, after: rewrite.sent }, 4);
      const sent = encode({
        ...query,
        questions: [{ ...asked, name: rewrite.sent }, ...(query.questions ?? []).slice(1)],
      });
      const answer = revertResponse(decode(await this.forwarder.forward(sent, transport)), asked, rewrite);
      return transport === 'udp' ? fitUdp(answer, udpLimit(query)) : encode(answer);
    } catch (err) {
      this.logger.warn('DNS query failed', { name: asked?.name, error: String(err) });
      return errorReply(query, RCODE_SERVFAIL);
    }
  }
}
