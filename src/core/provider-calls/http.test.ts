import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { guardedLookup, PrivateAddressError, providerAgent } from './http.js';
import { isPrivateAddress } from '../network-policy.js';

type Answer = Array<{ address: string; family: number }>;
const resolver =
  (answer: Answer) =>
  (_host: string, _opts: unknown, cb: (err: NodeJS.ErrnoException | null, a: Answer) => void) =>
    cb(null, answer);
const lookupOnce = (answer: Answer, all: boolean) =>
  new Promise<{ err: Error | null; address: unknown; family?: number }>((resolve) =>
    guardedLookup(resolver(answer))('api.example.com', { all }, (err, address, family) =>
      resolve({ err, address, ...(family !== undefined ? { family } : {}) }),
    ),
  );

describe('guardedLookup (DNS answers checked when the socket connects)', () => {
  it('refuses a name that resolves to a private address, even among public ones', async () => {
    for (const answer of [
      [{ address: '169.254.169.254', family: 4 }],
      [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
      [{ address: '::1', family: 6 }],
    ]) {
      const { err } = await lookupOnce(answer, true);
      expect(err).toBeInstanceOf(PrivateAddressError);
      expect((err as PrivateAddressError).code).toBe('ERR_PRIVATE_ADDRESS');
    }
  });

  it('passes public answers through in both lookup forms', async () => {
    const answer = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ];
    expect(await lookupOnce(answer, true)).toEqual({ err: null, address: answer });
    expect(await lookupOnce(answer, false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('stops a real request to a name resolving to loopback before it connects', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.end('secret');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const err = await request(`http://localhost:${port}/`, { dispatcher: providerAgent(false) }).catch(
        (e: unknown) => e,
      );
      expect((err as { code?: string }).code).toBe('ERR_PRIVATE_ADDRESS');
      expect(hits).toBe(0);
      // The pool for an operator who allowed the private network does connect.
      const ok = await request(`http://localhost:${port}/`, { dispatcher: providerAgent(true) });
      expect(await ok.body.text()).toBe('secret');
    } finally {
      server.close();
    }
  });
});

describe('isPrivateAddress', () => {
  it('sees IPv4-mapped IPv6 in the hex form the URL parser produces (regression: [::ffff:127.0.0.1] passed as public)', () => {
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    expect(isPrivateAddress('::ffff:7f00:1')).toBe(true);
    expect(isPrivateAddress('::ffff:a9fe:a9fe')).toBe(true);
    expect(isPrivateAddress('::ffff:5db8:d822')).toBe(false);
  });
});
