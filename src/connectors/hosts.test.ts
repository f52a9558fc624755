import { describe, expect, it } from 'vitest';
import { hostMatches, urlHost } from './hosts.js';

describe('hostMatches', () => {
  it.each([
    ['acme.api.kustomerapp.com', '*.api.kustomerapp.com', true],
    ['a.b.api.kustomerapp.com', '*.api.kustomerapp.com', true],
    ['ACME.API.Kustomerapp.com.', '*.api.kustomerapp.com', true],
    ['api.kustomerapp.com', '*.api.kustomerapp.com', false],
    ['evilapi.kustomerapp.com', '*.api.kustomerapp.com', false],
    ['api.kustomerapp.com.evil.com', '*.api.kustomerapp.com', false],
    ['api.oneflow.com', 'api.oneflow.com', true],
    ['API.ONEFLOW.COM', 'api.oneflow.com', true],
    ['x.api.oneflow.com', 'api.oneflow.com', false],
    ['api.oneflow.com.evil.com', 'api.oneflow.com', false],
  ])('%s against %s is %s', (host, pattern, expected) => {
    expect(hostMatches(host, pattern)).toBe(expected);
  });
});

describe('urlHost', () => {
  it('is host[:port] of an absolute http(s) URL, lower-cased', () => {
    expect(urlHost('https://API.Oneflow.com/v1')).toBe('api.oneflow.com');
    expect(urlHost('http://127.0.0.1:8080/x')).toBe('127.0.0.1:8080');
  });

  it.each([['ftp://api.oneflow.com'], ['/v1/contracts'], ['not a url'], ['https://user:pw@api.oneflow.com']])(
    'is null for %s',
    (raw) => {
      expect(urlHost(raw)).toBeNull();
    },
  );
});
