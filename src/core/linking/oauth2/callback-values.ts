// What a connector takes from the provider's redirect to the callback besides the code: values
// it keeps with the credentials (`auth.callback_params`, e.g. a realm id) and the signature it
// checks first (`auth.callback_hmac`, e.g. Shopify's `hmac`).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CallbackHmac } from '../../../connectors/grants-schema.js';

/**
 * The message a provider signs, as Shopify documents it for the redirect to an app's callback
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant,
 * "Verify the installation request"): every query parameter except the signature itself, as
 * received (percent-decoded), sorted by key, each written `key=value`, joined with `&`.
 */
export function signedMessage(query: URLSearchParams, param: string): string {
  return [...query.entries()]
    .filter(([k]) => k !== param)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * True when the query carries exactly one signature and it is the HMAC of `signedMessage` with
 * the secret (compared in constant time).
 */
export function callbackSignatureValid(query: URLSearchParams, secret: string, rule: CallbackHmac): boolean {
  const given = query.getAll(rule.param);
  if (given.length !== 1 || !secret) return false;
  const expected = createHmac(rule.algorithm, secret).update(signedMessage(query, rule.param)).digest();
  const sent = Buffer.from(given[0]!, rule.encoding);
  // A hex or base64 decode drops what is not a digit, so the text must round-trip too.
  if (sent.toString(rule.encoding) !== (rule.encoding === 'hex' ? given[0]!.toLowerCase() : given[0]))
    return false;
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

/** The kept callback parameters, each given exactly once; otherwise the name of the first one missing. */
export function keptCallbackParams(
  query: URLSearchParams,
  names: readonly string[],
): { values: Record<string, string> } | { missing: string } {
  const values: Record<string, string> = {};
  for (const name of names) {
    const all = query.getAll(name);
    if (all.length !== 1 || !all[0]) return { missing: name };
    values[name] = all[0];
  }
  return { values };
}
