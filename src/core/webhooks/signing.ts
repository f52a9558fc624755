import { createHmac, randomBytes } from 'node:crypto';

/** `whsec_<base64>`: the Standard Webhooks secret shape. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The secret's key bytes for Standard Webhooks: the base64 after `whsec_`. */
function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/**
 * Headers for one delivery. `x-stackone-signature` is base64url(HMAC-SHA256(secret, body)) with
 * the secret string as key (StackOne's convention); `webhook-signature` is Standard Webhooks'
 * `v1,` + base64(HMAC-SHA256(key bytes, "id.timestamp.body")). During a rotation every header
 * carries one signature per live secret, space-separated, newest first.
 */
export function signatureHeaders(
  secrets: string[],
  eventId: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  const stackone = secrets.map((s) => createHmac('sha256', s).update(body).digest('base64url'));
  const standard = secrets.map(
    (s) =>
      `v1,${createHmac('sha256', standardKey(s)).update(`${eventId}.${timestamp}.${body}`).digest('base64')}`,
  );
  return {
    'x-stackone-signature': stackone.join(' '),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standard.join(' '),
  };
}
