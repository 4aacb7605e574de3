import type { Answer, DecodedPacket, Question } from 'dns-packet';
import type { NameRewrite } from './namespace-map.js';

const same = (a: string, b: string): boolean => a.length === b.length && a.toLowerCase() === b;

/**
 * The answer to a rewritten query, as the client must see it (coredns's response reverter with kcp's rules,
 * third_party/coredns/name.go): the question as asked, and every record name or target equal to the name we
 * sent turned back into the name asked. Records about other names are left alone.
 */
export function revertResponse(
  response: DecodedPacket,
  asked: Question,
  rewrite: NameRewrite,
): DecodedPacket {
  const back = (value: string): string => (same(value, rewrite.sent) ? rewrite.asked : value);
  const record = (rr: Answer): Answer => {
    const out = { ...rr, name: back(rr.name) } as Answer;
    switch (out.type) {
      case 'CNAME':
      case 'DNAME':
      case 'NS':
        out.data = back(out.data);
        break;
      case 'SRV':
        out.data = { ...out.data, target: back(out.data.target) };
        break;
      case 'MX':
        out.data = { ...out.data, exchange: back(out.data.exchange) };
        break;
      case 'SOA':
        out.data = { ...out.data, mname: back(out.data.mname) };
        break;
      case 'NAPTR':
        out.data = { ...out.data, replacement: back(out.data.replacement) };
        break;
      default:
        break;
    }
    return out;
  };
  const [, ...otherQuestions] = response.questions ?? [];
  return {
    ...response,
    questions: [asked, ...otherQuestions],
    answers: (response.answers ?? []).map(record),
    authorities: (response.authorities ?? []).map(record),
    additionals: (response.additionals ?? []).map(record),
  };
}
