import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryType, failedCheck, isHandshake, renderDelivery, type DeliveryScope } from './verify.js';
import type { VerifyCheck } from '../../connectors/events-schema.js';

const scope = (over: Partial<DeliveryScope>): DeliveryScope => ({
  raw: '',
  secret: null,
  headers: {},
  body: {},
  credentials: {},
  accountId: 'acc_1',
  ...over,
});
const now = new Date('2026-12-02T12:00:00Z');

describe('delivery templates', () => {
  it('fill in raw, secret, headers (any case), body and item paths, credentials; a missing value throws', () => {
    const s = scope({
      raw: '{"a":1}',
      secret: 'k',
      headers: { 'x-sig': 'abc' },
      body: { contract: { id: 7 } },
      item: { type: 'contract:publish' },
      credentials: { id: 'https://login.example.com/id/00D/005' },
    });
    expect(
      renderDelivery(
        '${raw}|${secret}|${header.X-Sig}|${body.contract.id}|${item.type}|${credentials.id}|${account.id}',
        s,
      ),
    ).toBe('{"a":1}|k|abc|7|contract:publish|https://login.example.com/id/00D/005|acc_1');
    expect(() => renderDelivery('${header.x-missing}', s)).toThrow(/missing/);
  });
});

describe('verification checks', () => {
  it('hmac: a published test vector (base64 HMAC-SHA256 of body then timestamp) passes, a changed body fails', () => {
    // Zendesk's documented example: secret, body, timestamp and the signature it must give.
    const check: VerifyCheck = {
      type: 'hmac',
      algorithm: 'sha256',
      message: '${raw}${header.x-zendesk-webhook-signature-timestamp}',
      encoding: 'base64',
      signature: '${header.x-zendesk-webhook-signature}',
      also_accept: [],
      prefix: '',
    };
    const headers = {
      'x-zendesk-webhook-signature-timestamp': '2021-07-25T10:00:00Z',
      'x-zendesk-webhook-signature': 'tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=',
    };
    const secret = 'HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=';
    expect(failedCheck([check], scope({ raw: '{"say": "hello"}', secret, headers }), now)).toBeNull();
    expect(failedCheck([check], scope({ raw: '{"say": "hellO"}', secret, headers }), now)).toMatch(/hmac/);
    expect(failedCheck([check], scope({ raw: '{"say": "hello"}', secret: 'other', headers }), now)).toMatch(
      /hmac/,
    );
  });

  it('hmac with a prefix: each of several space-separated signatures is tried', () => {
    const check: VerifyCheck = {
      type: 'hmac',
      algorithm: 'sha256',
      message: '${raw}',
      encoding: 'hex',
      signature: '${header.x-signature}',
      also_accept: [],
      prefix: 'sha256=',
    };
    // GitHub's documented example: this secret and payload give this signature.
    const s = (sig: string) =>
      scope({ raw: 'Hello, World!', secret: "It's a Secret to Everybody", headers: { 'x-signature': sig } });
    const good = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(failedCheck([check], s(good), now)).toBeNull();
    expect(failedCheck([check], s(`sha256=00 ${good}`), now)).toBeNull();
    expect(failedCheck([check], s(good.replace('sha256=', 'sha1=')), now)).toMatch(/failed/);
    expect(
      failedCheck([check], scope({ raw: 'Hello, World!', headers: { 'x-signature': good } }), now),
    ).toMatch(/no secret/);
  });

  it('digest: sha1 of a message naming the secret, compared in any hex case', () => {
    const check: VerifyCheck = {
      type: 'digest',
      algorithm: 'sha1',
      message: '${body.callback_id}${secret}',
      encoding: 'hex',
      signature: '${body.signature}',
    };
    // sha1("abc") is FIPS 180's first example.
    const body = { callback_id: 'a', signature: 'A9993E364706816ABA3E25717850C26C9CD0D89D' };
    expect(failedCheck([check], scope({ body, secret: 'bc' }), now)).toBeNull();
    expect(failedCheck([check], scope({ body, secret: 'bd' }), now)).toMatch(/digest/);
    expect(failedCheck([check], scope({ body: { callback_id: 'a' }, secret: 'bc' }), now)).toMatch(/missing/);
  });

  it('equals: extract a group from the expected value and compare the first characters', () => {
    const check: VerifyCheck = {
      type: 'equals',
      value: '${body.org}',
      expected: '${credentials.id}',
      extract: '/id/([A-Za-z0-9]{15,18})/',
      length: 15,
    };
    const credentials = { id: 'https://login.salesforce.com/id/00DFk0000000001AAA/005Fk0000000001AAA' };
    expect(failedCheck([check], scope({ body: { org: '00DFk0000000001AAA' }, credentials }), now)).toBeNull();
    expect(failedCheck([check], scope({ body: { org: '00DFk0000000001' }, credentials }), now)).toBeNull();
    expect(failedCheck([check], scope({ body: { org: '00DFk0000000002AAA' }, credentials }), now)).toMatch(
      /equals/,
    );
    expect(failedCheck([check], scope({ body: { org: '00D' }, credentials }), now)).toMatch(/equals/);
    expect(
      failedCheck([check], scope({ body: { org: '00DFk0000000001AAA' }, credentials: { id: 'x' } }), now),
    ).toMatch(/equals/);
  });

  it('timestamp: inside the window passes, outside or unreadable fails', () => {
    const check: VerifyCheck = {
      type: 'timestamp',
      value: '${header.ts}',
      format: 'unix_seconds',
      tolerance_seconds: 300,
    };
    const at = (ts: string) => scope({ headers: { ts } });
    const t = now.getTime() / 1000;
    expect(failedCheck([check], at(String(t - 299)), now)).toBeNull();
    expect(failedCheck([check], at(String(t - 301)), now)).toMatch(/timestamp/);
    expect(failedCheck([check], at('soon'), now)).toMatch(/timestamp/);
  });
});

describe('hmac over either of two documented orders (also_accept)', () => {
  // Zendesk's current page signs TIMESTAMP + BODY; its older page's example vector only verifies
  // as BODY + TIMESTAMP. The connector accepts both, with a timestamp check beside it.
  const check: VerifyCheck = {
    type: 'hmac',
    algorithm: 'sha256',
    message: '${header.x-zendesk-webhook-signature-timestamp}${raw}',
    also_accept: ['${raw}${header.x-zendesk-webhook-signature-timestamp}'],
    encoding: 'base64',
    signature: '${header.x-zendesk-webhook-signature}',
    prefix: '',
  };
  const secret = 'HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=';
  const at = (signature: string, raw = '{"say": "hello"}') =>
    scope({
      raw,
      secret,
      headers: {
        'x-zendesk-webhook-signature-timestamp': '2021-07-25T10:00:00Z',
        'x-zendesk-webhook-signature': signature,
      },
    });

  it('the published vector passes through the second message, a timestamp-first signature through the first', () => {
    expect(failedCheck([check], at('tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw='), now)).toBeNull();
    const first = createHmac('sha256', secret)
      .update('2021-07-25T10:00:00Z{"say": "hello"}')
      .digest('base64');
    expect(failedCheck([check], at(first), now)).toBeNull();
  });

  it('neither order of another body, nor a hex digest, passes', () => {
    expect(
      failedCheck([check], at('tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=', '{"say":"hello"}'), now),
    ).toMatch(/hmac/);
    const hex = createHmac('sha256', secret).update('2021-07-25T10:00:00Z{"say": "hello"}').digest('hex');
    expect(failedCheck([check], at(hex), now)).toMatch(/hmac/);
  });
});

describe('the type of a delivery', () => {
  const github = { type: '${header.x-github-event}', action: '${body.action}' };

  it('appends the action when the item has one, and stays the bare type when it has none', () => {
    const headers = { 'x-github-event': 'issues' };
    expect(deliveryType(github, scope({ headers, body: { action: 'opened' }, item: {} }))).toBe(
      'issues.opened',
    );
    expect(deliveryType(github, scope({ headers: { 'x-github-event': 'push' }, body: { ref: 'r' } }))).toBe(
      'push',
    );
    expect(deliveryType({ type: '${item.type}' }, scope({ item: { type: 'contract:sign' } }))).toBe(
      'contract:sign',
    );
  });

  it('a missing type is still an error (the delivery is refused)', () => {
    expect(() => deliveryType(github, scope({ body: { action: 'opened' } }))).toThrow(/missing/);
  });
});

describe('handshakes', () => {
  it('match on a body path or on a delivery text such as a header; a missing header is no handshake', () => {
    const ping = { value: '${header.x-github-event}', equals: 'ping' };
    expect(isHandshake(ping, scope({ headers: { 'x-github-event': 'ping' } }))).toBe(true);
    expect(isHandshake(ping, scope({ headers: { 'x-github-event': 'issues' } }))).toBe(false);
    expect(isHandshake(ping, scope({}))).toBe(false);
    const challenge = { path: 'type', equals: 'url_verification' };
    expect(isHandshake(challenge, scope({ body: { type: 'url_verification' } }))).toBe(true);
    expect(isHandshake(challenge, scope({ body: { type: 'event_callback' } }))).toBe(false);
  });
});
