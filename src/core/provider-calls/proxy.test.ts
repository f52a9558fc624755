import { describe, expect, it } from 'vitest';
import { loadConnectors } from '../../connectors/loader.js';
import type { AccountTarget } from '../credentials/open.js';
import type { Deps } from '../deps.js';
import { encodeProxyBody, proxyUrl } from './proxy.js';
import { ownsUrl } from '../connector-profiles/target.js';

const registry = await loadConnectors();
const deps = { settings: { allowPrivateNetwork: false } } as unknown as Deps;
const target = (key: string, extra: Partial<AccountTarget> = {}) =>
  ({
    connector: registry.get(key)!,
    environment: registry.get(key)!.environments[0]!.key,
    overrides: {},
    config: {},
    setup: {},
    credentials: {},
    ...extra,
  }) as unknown as AccountTarget;
const oneflow = target('oneflow');

describe('proxyUrl', () => {
  const url = (input: { url?: string; path?: string }) => proxyUrl(deps, oneflow, input).href;

  it('appends the path to the connector base URL, or to a caller URL on an owned host', () => {
    expect(url({ path: '/contracts?limit=5' })).toBe('https://api.oneflow.com/v1/contracts?limit=5');
    expect(url({ path: 'contracts' })).toBe('https://api.oneflow.com/v1/contracts');
    expect(url({ path: '?q=1' })).toBe('https://api.oneflow.com/v1?q=1');
    expect(url({})).toBe('https://api.oneflow.com/v1');
    expect(url({ url: 'https://api.oneflow.com/v2/#frag', path: '/users' })).toBe(
      'https://api.oneflow.com/v2/users',
    );
  });

  it.each([['//evil.com/x'], ['@evil.com/x'], ['.evil.com']])('keeps %s on the provider host', (path) => {
    let out: string | null = null;
    try {
      out = url({ path });
    } catch (err) {
      expect(String(err)).toMatch(/stay on the provider's host/);
    }
    if (out) expect(new URL(out).host).toBe('api.oneflow.com');
  });

  it('refuses URLs in path, control characters, foreign hosts and a split query', () => {
    expect(() => url({ path: 'https://evil.com/x' })).toThrow(/path must be a path, not a URL/);
    expect(() => url({ path: '/a\r\nb' })).toThrow(/control characters or backslashes/);
    expect(() => url({ path: '/a\\b' })).toThrow(/control characters or backslashes/);
    expect(() => url({ url: 'https://evil.com/v1' })).toThrow(/evil.com is not a Oneflow host/i);
    expect(() => url({ url: 'http://127.0.0.1/v1' })).toThrow(/url/);
    expect(() => url({ url: 'https://api.oneflow.com/v1?x=1', path: '/a' })).toThrow(/query string in path/);
  });
});

describe('ownsUrl', () => {
  it('is the connector hosts over https, or a profile override host', () => {
    expect(ownsUrl(oneflow, 'https://api.oneflow.com/v1')).toBe(true);
    expect(ownsUrl(oneflow, 'http://api.oneflow.com/v1')).toBe(false);
    expect(ownsUrl(oneflow, 'https://api.oneflow.com.evil.com')).toBe(false);
    const overridden = target('oneflow', { overrides: { base_url: 'http://127.0.0.1:9000/v1' } });
    expect(ownsUrl(overridden, 'http://127.0.0.1:9000/other')).toBe(true);
    expect(ownsUrl(overridden, 'http://127.0.0.1:9001/other')).toBe(false);
  });
});

describe('encodeProxyBody', () => {
  it('sends JSON by default, a form when asked, strings as they are', () => {
    const h1: Record<string, string> = {};
    expect(encodeProxyBody('POST', { a: 1 }, h1)).toBe('{"a":1}');
    expect(h1).toEqual({ 'content-type': 'application/json' });
    const h2: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(encodeProxyBody('POST', { a: 'x y', b: { c: 1 } }, h2)).toBe('a=x+y&b=%7B%22c%22%3A1%7D');
    const h3: Record<string, string> = {};
    expect(encodeProxyBody('PUT', 'raw', h3)).toBe('raw');
    expect(h3).toEqual({ 'content-type': 'text/plain; charset=utf-8' });
    expect(encodeProxyBody('DELETE', null, {})).toBeNull();
  });

  it('refuses a body on GET and HEAD, but lets an empty one through', () => {
    expect(encodeProxyBody('GET', {}, {})).toBeNull();
    expect(encodeProxyBody('HEAD', undefined, {})).toBeNull();
    expect(() => encodeProxyBody('GET', { a: 1 }, {})).toThrow('a GET request cannot have a body');
    expect(() => encodeProxyBody('HEAD', 'x', {})).toThrow('a HEAD request cannot have a body');
  });
});
