import { decode, encode, type Question } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { revertResponse } from './revert.js';

const rewrite = { asked: 'web.team-a.svc.cluster.local', sent: 'web.kcp-1.svc.cluster.local' };
const asked: Question = { name: 'Web.Team-A.svc.cluster.local', type: 'SRV', class: 'IN' };

describe('revertResponse', () => {
  it('restores the question as asked and turns the sent name back in names and targets', () => {
    const response = decode(
      encode({
        type: 'response',
        id: 7,
        questions: [{ name: rewrite.sent, type: 'SRV', class: 'IN' }],
        answers: [
          { type: 'SRV', name: rewrite.sent, ttl: 5, data: { port: 80, target: rewrite.sent } },
          {
            type: 'CNAME',
            name: 'alias.kcp-1.svc.cluster.local',
            ttl: 5,
            data: 'WEB.kcp-1.svc.cluster.local',
          },
        ],
        authorities: [
          {
            type: 'SOA',
            name: 'cluster.local',
            ttl: 5,
            data: { mname: rewrite.sent, rname: 'h.cluster.local' },
          },
        ],
        additionals: [
          { type: 'A', name: rewrite.sent, ttl: 5, data: '10.0.0.7' },
          { type: 'A', name: 'other.kcp-1.svc.cluster.local', ttl: 5, data: '10.0.0.8' },
        ],
      }),
    );
    const reverted = decode(encode(revertResponse(response, asked, rewrite)));
    expect(reverted.questions).toEqual([asked]);
    expect(reverted.answers?.map((a) => [a.type, a.name, (a as { data?: unknown }).data])).toEqual([
      ['SRV', rewrite.asked, { port: 80, target: rewrite.asked, priority: 0, weight: 0 }],
      ['CNAME', 'alias.kcp-1.svc.cluster.local', rewrite.asked],
    ]);
    expect((reverted.authorities?.[0] as { data?: unknown } | undefined)?.data).toMatchObject({
      mname: rewrite.asked,
    });
    expect(reverted.additionals?.map((a) => a.name)).toEqual([
      rewrite.asked,
      'other.kcp-1.svc.cluster.local',
    ]);
  });
});
