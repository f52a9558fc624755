import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { workers: false });
});
afterAll(async () => {
  await server?.close();
});

const callback = (query: string) =>
  fetch(`${server.url}/connect/oauth2/kustomer/callback?${query}`, { redirect: 'manual' });

describe('the OAuth callback query', () => {
  it.each([
    ['no state', 'code=abc'],
    ['an empty state', 'state=&code=abc'],
    ['a repeated state', 'state=a&state=b&code=abc'],
    ['an overlong state', `state=${'s'.repeat(257)}&code=abc`],
  ])('refuses %s before looking anything up', async (_, query) => {
    const res = await callback(query);
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('The authorization response has no state');
  });

  it('refuses a state it never issued, with repeated parameters beside it', async () => {
    const res = await callback(`state=${'s'.repeat(256)}&code=a&code=b&error=x&error=y`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      'It has expired, was already used, or was opened in a different browser',
    );
  });
});
