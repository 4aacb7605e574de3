import { describe, expect, it } from 'vitest';
import { StreamLogger } from './logger.js';

function capture(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (chunk: string) => lines.push(chunk) } };
}
const now = () => new Date(2025, 0, 2, 15, 4, 5, 123);

describe('StreamLogger', () => {
  it('writes JSON lines when the stream is not a TTY', () => {
    const { lines, stream } = capture(false);
    new StreamLogger({ stream, now }).child({ component: 'engine' }).info('synced', { objects: 3 });
    const line = JSON.parse(lines[0] as string);
    expect(line).toMatchObject({ level: 'info', msg: 'synced', component: 'engine', objects: 3 });
    expect(line.ts).toBe(now().toISOString());
  });

  it('writes readable klog-style lines on a TTY', () => {
    const { lines, stream } = capture(true);
    const logger = new StreamLogger({ stream, now });
    logger.warn('slow apply', { name: 'web app', ms: 12 });
    logger.error('failed');
    expect(lines).toEqual([
      'W0102 15:04:05.123 slow apply name="web app" ms=12\n',
      'E0102 15:04:05.123 failed\n',
    ]);
  });

  it('prints debug lines only up to the -v level', () => {
    const { lines, stream } = capture(false);
    const logger = new StreamLogger({ stream, verbosity: 2 });
    logger.debug('two', {}, 2);
    logger.debug('three', {}, 3);
    logger.debug('default level is 4');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['two']);
    expect(JSON.parse(lines[0] as string).v).toBe(2);
    expect(logger.enabled(2)).toBe(true);
    expect(logger.enabled(3)).toBe(false);
  });

  it('never logs secret data, at any depth, in either format', () => {
    for (const tty of [false, true]) {
      const { lines, stream } = capture(tty);
      const logger = new StreamLogger({ stream }).child({ token: 'bind-secret' });
      logger.info('object', {
        object: { kind: 'Secret', data: { password: 'cGFzcw==' }, stringData: { key: 'plain-secret' } },
        headers: { Authorization: 'Bearer abc' },
        bearerToken: 'tok-123',
        list: [{ 'client-key-data': 'KEY' }],
      });
      const text = lines.join('');
      for (const secret of ['bind-secret', 'cGFzcw==', 'plain-secret', 'Bearer abc', 'tok-123', 'KEY"'])
        expect(text).not.toContain(secret);
      expect(text).toContain('Secret');
    }
  });

  it('flattens errors and survives cycles', () => {
    const { lines, stream } = capture(false);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    new StreamLogger({ stream }).error('boom', { error: new TypeError('bad'), cyclic });
    const line = JSON.parse(lines[0] as string);
    expect(line.error).toEqual({ message: 'bad', name: 'TypeError' });
    expect(line.cyclic).toEqual({ a: 1, self: '[circular]' });
  });
});
