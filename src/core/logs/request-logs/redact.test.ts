import { describe, expect, it } from 'vitest';
import { BODY_LOG_LIMIT, bodyForLog, REDACTED, redactHeaders, redactText, redactUrl } from './redact.js';

describe('redactHeaders', () => {
  it('drops credentials by name, by value and by the caller’s list', () => {
    expect(
      redactHeaders(
        {
          Authorization: 'Bearer x',
          cookie: 'a=b',
          'X-Api-Key': 'k',
          'x-session-id': 's',
          'x-custom': 'has tok-123456 inside',
          'x-org': 'acme',
          accept: ['a', 'b'],
          'x-gone': undefined,
        },
        ['tok-123456'],
        new Set(['x-org']),
      ),
    ).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      'x-api-key': REDACTED,
      'x-session-id': REDACTED,
      'x-custom': REDACTED,
      'x-org': REDACTED,
      accept: 'a, b',
    });
  });

  it('keeps ordinary headers', () => {
    expect(redactHeaders({ 'content-type': 'application/json', 'x-request-id': 'r1' })).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'r1',
    });
  });
});

describe('redactText and redactUrl', () => {
  it('cuts every known secret, but not ones too short to be told from words', () => {
    expect(redactText('a sekret-1 b sekret-1', ['sekret-1', 'ab'])).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it('replaces sensitive query values and secrets, keeps the rest', () => {
    const url = new URL('https://api.example.com/v1/sekret-1/x?access_token=t&page=2&sig=1&q=sekret-1');
    const out = new URL(redactUrl(url, ['sekret-1'], new Set(['sig'])));
    expect(out.pathname).toBe(`/v1/${REDACTED}/x`);
    expect(Object.fromEntries(out.searchParams)).toEqual({
      access_token: REDACTED,
      page: '2',
      sig: REDACTED,
      q: REDACTED,
    });
    expect(redactUrl(new URL('https://api.example.com/a'), [])).toBe('https://api.example.com/a');
  });
});

describe('bodyForLog', () => {
  it('keeps JSON parsed and text as text, secrets cut out', () => {
    expect(bodyForLog('{"token":"sekret-1","n":1}', 'application/json', ['sekret-1'])).toEqual({
      token: REDACTED,
      n: 1,
    });
    expect(bodyForLog('plain sekret-1', 'text/plain', ['sekret-1'])).toBe(`plain ${REDACTED}`);
    expect(bodyForLog('{broken', 'application/json', [])).toBe('{broken');
    expect(bodyForLog('', 'text/plain', [])).toBeNull();
  });

  it('describes binary bodies and cuts long ones at 64 KB', () => {
    expect(bodyForLog(Buffer.from([0, 1, 2]), 'image/png', [])).toBe('[3 bytes of image/png]');
    expect(bodyForLog(Buffer.from([0, 1, 2]), undefined, [])).toBe('[3 bytes of binary data]');
    const long = bodyForLog('x'.repeat(BODY_LOG_LIMIT + 10), 'application/json', []);
    expect(long).toBe(`${'x'.repeat(BODY_LOG_LIMIT)}… [${BODY_LOG_LIMIT + 10} bytes]`);
  });
});
