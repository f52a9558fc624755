import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { fieldLabel, readableMessage } from '../src/web/dashboard/messages.js';

/** The dashboard shows the server's real validation messages with field labels and plain words. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('readableMessage on what the server really answers', () => {
  it.each([
    [
      'GET',
      `/connection_attempts?origin_owner_id=${'a'.repeat(300)}`,
      undefined,
      'Origin owner ID: at most 255 characters',
    ],
    ['GET', '/requests/logs?status_codes=99999', undefined, 'Status code: must be 599 or less'],
    ['GET', '/connection_attempts?page_size=0', undefined, 'Page size: must be 1 or more'],
    ['GET', '/connection_attempts?start_date=yesterday', undefined, 'From: not a valid date and time'],
    [
      'POST',
      '/webhooks',
      { url: `https://example.com/${'a'.repeat(2100)}`, events: ['*'] },
      /^Endpoint URL: at most \d+ characters$/,
    ],
  ] as const)('%s %#', async (method, path, body, expected) => {
    const res = await api(server)(method, path, body);
    expect(res.status).toBe(400);
    const shown = readableMessage(res.json.message);
    if (typeof expected === 'string') expect(shown).toBe(expected);
    else expect(shown).toMatch(expected);
    expect(shown).not.toMatch(/Too big|Too small|expected/);
  });

  it('leaves messages without a field path alone', () => {
    expect(readableMessage('Account not found')).toBe('Account not found');
    expect(readableMessage('url must use https')).toBe('url must use https');
    expect(fieldLabel('overrides.token_url')).toBe('Token url');
  });
});
