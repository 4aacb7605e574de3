import { describe, expect, it } from 'vitest';
import { family, parseMetrics, value } from './prometheus.js';

const GOOD = [
  '# HELP requests_total Requests.',
  '# TYPE requests_total counter',
  'requests_total{code="200",path="/a\\"b\\\\c\\nd"} 1027',
  'requests_total{code="500",} 3 1395066363000',
  '# TYPE latency_seconds histogram',
  'latency_seconds_bucket{le="0.1",op="get"} 2',
  'latency_seconds_bucket{le="+Inf",op="get"} 3',
  'latency_seconds_sum{op="get"} 0.4',
  'latency_seconds_count{op="get"} 3',
  'untyped_thing NaN',
  '',
].join('\n');

describe('parseMetrics (test support)', () => {
  it('reads families, label escapes, histograms and special values', () => {
    const parsed = parseMetrics(GOOD);
    expect(family(parsed, 'requests_total').type).toBe('counter');
    expect(value(parsed, 'requests_total', { path: '/a"b\\c\nd' })).toBe(1027);
    expect(value(parsed, 'latency_seconds_count', { op: 'get' })).toBe(3);
    expect(family(parsed, 'latency_seconds').samples).toHaveLength(4);
    expect(Number.isNaN(value(parsed, 'untyped_thing'))).toBe(true);
  });

  it.each([
    ['a bad value', 'x{a="1"} one'],
    ['a bad metric name', '1x 3'],
    ['an unterminated label', 'x{a="1} 3'],
    ['a bad escape', 'x{a="\\t"} 3'],
    ['a duplicate series', 'x{a="1"} 3\nx{a="1"} 4'],
    ['TYPE after samples', 'x 1\n# TYPE x counter'],
    ['a family in two groups', 'x 1\ny 2\nx{a="b"} 3'],
    [
      'a non-cumulative histogram',
      '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 4\nh_count 4',
    ],
    ['a +Inf bucket that disagrees with _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 4\nh_count 5'],
  ])('rejects %s', (_, text) => {
    expect(() => parseMetrics(text)).toThrow();
  });
});
