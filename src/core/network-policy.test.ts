import { describe, expect, it } from 'vitest';
import { isPrivateAddress, urlPolicyViolation } from './network-policy.js';

describe('the private-network rule', () => {
  it.each([
    'http://api.example.com/x',
    'https://localhost/x',
    'https://localhost./x',
    'https://metadata.google.internal/computeMetadata',
    'https://metadata.google.internal./computeMetadata',
    'https://169.254.169.254/latest',
    'https://10.1.2.3/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://intranet/',
    'https://user:pass@api.example.com/',
    'ftp://api.example.com/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(urlPolicyViolation(url, false)).not.toBeNull();
  });

  it.each(['https://api.example.com/x', 'https://8.8.8.8/', 'https://acme.api.kustomerapp.com/v1'])('accepts %s', (url) => {
    expect(urlPolicyViolation(url, false)).toBeNull();
  });

  it('allows loopback and http only when private networks are allowed', () => {
    expect(urlPolicyViolation('http://127.0.0.1:9/x', true)).toBeNull();
    expect(urlPolicyViolation('http://127.0.0.1:9/x', false)).not.toBeNull();
  });

  it('knows private addresses', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '172.16.5.5', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });
});
