import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackSignatureValid, keptCallbackParams, signedMessage } from './callback-values.js';

const rule = { param: 'hmac', secret_field: 'client_secret', algorithm: 'sha256', encoding: 'hex' } as const;

// The worked example of Shopify's OAuth verification (secret "hush"), as its client libraries test it.
const EXAMPLE =
  'code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173';

describe('callback signature', () => {
  it('signs every parameter but the signature, sorted by key, key=value joined with &', () => {
    const q = new URLSearchParams('timestamp=1&hmac=x&code=c&shop=s.example.test');
    expect(signedMessage(q, 'hmac')).toBe('code=c&shop=s.example.test&timestamp=1');
  });

  it('accepts the documented example and refuses it with another secret', () => {
    expect(callbackSignatureValid(new URLSearchParams(EXAMPLE), 'hush', rule)).toBe(true);
    expect(callbackSignatureValid(new URLSearchParams(EXAMPLE), 'hush!', rule)).toBe(false);
  });

  it('refuses a changed parameter, a missing or repeated signature, and a padded one', () => {
    expect(
      callbackSignatureValid(new URLSearchParams(EXAMPLE.replace('1337178173', '1337178174')), 'hush', rule),
    ).toBe(false);
    expect(callbackSignatureValid(new URLSearchParams('code=a&state=b'), 'hush', rule)).toBe(false);
    expect(callbackSignatureValid(new URLSearchParams(`${EXAMPLE}&hmac=00`), 'hush', rule)).toBe(false);
    expect(
      callbackSignatureValid(new URLSearchParams(EXAMPLE.replace('&shop', 'zz&shop')), 'hush', rule),
    ).toBe(false);
  });

  it('reads base64 signatures when the connector says so', () => {
    const q = new URLSearchParams('code=a&state=b');
    q.set('sig', createHmac('sha256', 'k').update('code=a&state=b').digest('base64'));
    expect(callbackSignatureValid(q, 'k', { ...rule, param: 'sig', encoding: 'base64' })).toBe(true);
  });
});

describe('kept callback parameters', () => {
  it('keeps each named parameter and names the first one missing or repeated', () => {
    expect(keptCallbackParams(new URLSearchParams('realmId=42&code=c'), ['realmId'])).toEqual({
      values: { realmId: '42' },
    });
    expect(keptCallbackParams(new URLSearchParams('code=c'), ['realmId'])).toEqual({ missing: 'realmId' });
    expect(keptCallbackParams(new URLSearchParams('realmId=1&realmId=2'), ['realmId'])).toEqual({
      missing: 'realmId',
    });
  });
});
