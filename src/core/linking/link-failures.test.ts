import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { LINK_FAILURE_REASONS, reasonForCode, reasonForError, redactDescription } from './link-failures.js';

describe('link failure reasons', () => {
  it('maps OAuth errors and our codes into the closed set; anything else is provider_error', () => {
    expect(reasonForCode('access_denied')).toBe('consent_denied');
    expect(reasonForCode('invalid_client')).toBe('invalid_client');
    expect(reasonForCode('invalid_grant')).toBe('token_exchange_failed');
    expect(reasonForCode('interrupted')).toBe('interrupted');
    expect(reasonForCode('invalid_scope')).toBe('provider_error');
    expect(reasonForCode('__proto__')).toBe('provider_error');
    expect(reasonForCode(null)).toBe('provider_error');
    for (const code of ['access_denied', 'x', 'configuration', 'test_failed'])
      expect(LINK_FAILURE_REASONS).toContain(reasonForCode(code));
  });

  it('tells refused credentials from an unreachable provider and a broken profile', () => {
    expect(
      reasonForError(new AppError('CREDENTIALS_REJECTED', 'refused', { provider: { status: 401 } })),
    ).toBe('credentials_rejected');
    expect(reasonForError(new AppError('PROVIDER_ERROR', 'down', { provider: { status: 503 } }))).toBe(
      'provider_unreachable',
    );
    expect(
      reasonForError(
        new AppError('PROVIDER_TIMEOUT', 'Could not reach X: timed out', {
          provider: { error: 'timed out' },
        }),
      ),
    ).toBe('provider_unreachable');
    expect(reasonForError(new AppError('PROFILE_MISCONFIGURED', 'X base_url is not an absolute URL'))).toBe(
      'misconfigured',
    );
    expect(reasonForError(new TypeError('fetch failed'))).toBe('provider_unreachable');
  });
});

describe('redactDescription', () => {
  it('removes every submitted value, whole and percent-encoded, longest first', () => {
    const token = 'tok-ABCDEFGH-1234';
    const out = redactDescription(`bad token ${token} for a@b.example (a%40b.example), ${token}-suffix`, [
      token,
      'a@b.example',
      'tok-ABCD',
      42,
    ]);
    expect(out).toBe('bad token [redacted] for [redacted] ([redacted]), [redacted]-suffix');
    expect(out).not.toContain('ABCD');
  });

  it('leaves very short values alone and caps the length', () => {
    expect(redactDescription('a is a letter', ['a'])).toBe('a is a letter');
    expect(redactDescription('x'.repeat(5000), [])).toHaveLength(1000);
  });
});
