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

  it.each(['https://api.example.com/x', 'https://8.8.8.8/', 'https://acme.api.kustomerapp.com/v1'])(
    'accepts %s',
    (url) => {
      expect(urlPolicyViolation(url, false)).toBeNull();
    },
  );

  it('allows loopback and http only when private networks are allowed', () => {
    expect(urlPolicyViolation('http://127.0.0.1:9/x', true)).toBeNull();
    expect(urlPolicyViolation('http://127.0.0.1:9/x', false)).not.toBeNull();
  });

  it('knows private addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.5',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  // Security review L5: IPv6 forms that carry an IPv4 address were accepted as public.
  it.each([
    'https://[::127.0.0.1]/',
    'https://[::ffff:0:127.0.0.1]/',
    'https://[64:ff9b::7f00:1]/',
    'https://[64:ff9b::a9fe:a9fe]/latest/meta-data',
    'https://[64:ff9b:1::a00:1]/',
    'https://[2002:7f00:1::1]/',
    'https://[2002:a9fe:a9fe::1]/',
    'https://[fec0::1]/',
    'https://[2001:db8::1]/',
  ])('refuses the IPv4-embedding or special-purpose form %s', (url) => {
    expect(urlPolicyViolation(url, false)).toBe('points at a private network address');
  });

  it('judges the IPv4 address inside NAT64, 6to4, Teredo and translated forms', () => {
    const privateOnes = [
      '::127.0.0.1',
      '::7f00:1',
      '::ffff:0:127.0.0.1',
      '::ffff:0:a00:1',
      '64:ff9b::127.0.0.1',
      '64:ff9b::169.254.169.254',
      '64:ff9b:1:a00:1::', // local-use NAT64 with a /48 prefix: 10.0.0.1
      '64:ff9b:1::10.0.0.1', // the same range with a /96 prefix
      '2002:c0a8:101::1', // 6to4 for 192.168.1.1
      '2001:0:7f00:1::1', // Teredo via a loopback server
      '2001:0:808:808::80ff:fffe', // Teredo client 127.0.0.1 (obfuscated: bits inverted)
      'fec0::1',
      'fe80::1%eth0',
      'ff02::1',
      '::',
    ];
    for (const ip of privateOnes) expect(isPrivateAddress(ip), ip).toBe(true);
    // The same forms carrying public addresses stay usable: NAT64 is how IPv6-only hosts reach IPv4 providers.
    const publicOnes = [
      '64:ff9b::8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
      '2001:0:808:808::f7f7:f7f7',
      '2a00:1450:4001::200e',
    ];
    for (const ip of publicOnes) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('knows the IPv4 special-purpose ranges', () => {
    for (const ip of ['198.18.0.1', '192.0.2.1', '203.0.113.9', '240.0.0.1', '255.255.255.255', '224.0.0.1'])
      expect(isPrivateAddress(ip), ip).toBe(true);
  });
});
