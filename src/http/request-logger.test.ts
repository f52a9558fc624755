import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazyChildLogger } from './request-logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger };
}

describe('the per-request logger', () => {
  it('writes with the request id, like a pino child', () => {
    const { lines, log } = capture();
    const req = lazyChildLogger(log, { reqId: 'r-1' }, {});
    req.error({ code: 7 }, 'failed');
    req.info('hello %s', 'there');
    req.debug('not at this level');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ reqId: 'r-1', code: 7, msg: 'failed', level: 50 });
    expect(lines[1]).toMatchObject({ reqId: 'r-1', msg: 'hello there', level: 30 });
  });

  it('reads the parent level until it is used, and its own level after', () => {
    const { lines, log } = capture();
    const req = lazyChildLogger(log, { reqId: 'r-2' }, {});
    expect(req.level).toBe('info');
    req.level = 'debug';
    req.debug('now visible');
    expect(log.level).toBe('info');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'r-2', msg: 'now visible', level: 20 })]);
  });

  it('makes children that keep the request id', () => {
    const { lines, log } = capture();
    lazyChildLogger(log, { reqId: 'r-3' }, {}).child({ part: 'x' }).warn('careful');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'r-3', part: 'x', msg: 'careful' })]);
  });
});
