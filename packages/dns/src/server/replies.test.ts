import { decode, encode, RECURSION_DESIRED } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { errorReply, fitUdp, formatErrorReply, udpLimit } from './replies.js';

const query = decode(
  encode({
    type: 'query',
    id: 42,
    flags: RECURSION_DESIRED,
    questions: [{ name: 'web.team-a.svc.cluster.local', type: 'A', class: 'IN' }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options: [],
      },
    ],
  }),
);

describe('replies', () => {
  it('answers an error with the query’s id, RD and first question', () => {
    const reply = decode(errorReply(query, 2));
    expect(reply).toMatchObject({ id: 42, type: 'response', rcode: 'SERVFAIL', flag_rd: true });
    expect(reply.questions?.[0]?.name).toBe('web.team-a.svc.cluster.local');
  });

  it('answers FORMERR to a header with garbage after it, and nothing to less than a header or a response', () => {
    const garbage = Buffer.concat([
      encode({ type: 'query', id: 9, questions: [] }).subarray(0, 4),
      Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0xff]),
    ]);
    expect(decode(formatErrorReply(garbage) as Buffer)).toMatchObject({
      id: 9,
      rcode: 'FORMERR',
      type: 'response',
    });
    expect(formatErrorReply(Buffer.from([1, 2, 3]))).toBeNull();
    expect(formatErrorReply(encode({ type: 'response', id: 1, questions: [] }))).toBeNull();
  });

  it('truncates a UDP answer larger than the client’s EDNS size (512 without EDNS)', () => {
    expect(udpLimit(query)).toBe(1232);
    const big = {
      type: 'response' as const,
      id: 42,
      questions: query.questions ?? [],
      answers: Array.from({ length: 100 }, (_, i) => ({
        type: 'A' as const,
        name: 'web.team-a.svc.cluster.local',
        ttl: 5,
        data: `10.0.0.${i}`,
      })),
    };
    const truncated = decode(fitUdp(big, 1232));
    expect(truncated.flag_tc).toBe(true);
    expect(truncated.answers).toEqual([]);
    expect(decode(fitUdp({ ...big, answers: big.answers.slice(0, 3) }, 512)).answers).toHaveLength(3);
  });
});
