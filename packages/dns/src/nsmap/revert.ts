import type { Answer, DecodedPacket, Question } from 'dns-packet';
import type { NameRewrite } from './namespace-map.js';

const same = (a: string, b: string): boolean => a.length === b.length && a.toLowerCase() === b;

// Record types whose data is a domain name, and those whose data holds one in a field.
const NAME_DATA: ReadonlySet<string> = new Set(['CNAME', 'DNAME', 'NS']);
const NAME_FIELD: Readonly<Record<string, string>> = {
  SRV: 'target',
  MX: 'exchange',
  SOA: 'mname',
  NAPTR: 'replacement',
};

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
    // Every type with a name in its data has `data`; the union's other members (OPT) are left as they are.
    const out = { ...rr, name: back(rr.name) } as Answer & { data: unknown };
    const field = NAME_FIELD[out.type];
    if (NAME_DATA.has(out.type) && typeof out.data === 'string') out.data = back(out.data);
    else if (field !== undefined && typeof out.data === 'object' && out.data !== null) {
      const data = out.data as Record<string, unknown>;
      const value = data[field];
      if (typeof value === 'string') out.data = { ...data, [field]: back(value) };
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
