import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const trust = (value: string | undefined) =>
  loadConfig([], value === undefined ? {} : { SWITCHBOARD_TRUST_PROXY: value }).trustProxy;

describe('SWITCHBOARD_TRUST_PROXY', () => {
  it('trusts no proxy by default', () => {
    expect(trust(undefined)).toBe(false);
    expect(trust('')).toBe(false);
    expect(trust('0')).toBe(false);
  });
  it('takes a hop count, or addresses, CIDRs and named ranges', () => {
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 192.168.1.5,fd00::/8, loopback')).toEqual([
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
      'loopback',
    ]);
  });
  it('refuses anything else, naming the value', () => {
    for (const bad of ['true', '10.0.0.0/33', 'example.com', '10.0.0.1/8/1', '::1/129']) {
      expect(() => trust(bad), bad).toThrow(ConfigError);
    }
    expect(() => trust('proxy.internal')).toThrow(/"proxy.internal" is not a hop count/);
  });
});

describe('SWITCHBOARD_HUB_FRAME_ANCESTORS', () => {
  const ancestors = (value?: string) =>
    loadConfig([], value === undefined ? {} : { SWITCHBOARD_HUB_FRAME_ANCESTORS: value }).hubFrameAncestors;
  it('lets any site frame the embedded Hub by default, or only the origins given', () => {
    expect(ancestors()).toBe('*');
    expect(ancestors('https://app.example.com, https://*.example.org:8443')).toBe(
      'https://app.example.com https://*.example.org:8443',
    );
  });
  it('refuses what is not an origin (a CSP injection among them)', () => {
    for (const bad of [
      "https://a.example.com; script-src 'unsafe-inline'",
      'app.example.com',
      'https://a.example.com/path',
      "'self'",
    ]) {
      expect(() => ancestors(bad), bad).toThrow(ConfigError);
    }
  });
});

describe('SWITCHBOARD_OUTBOUND_PROXY', () => {
  const proxy = (value?: string) =>
    loadConfig([], value === undefined ? {} : { SWITCHBOARD_OUTBOUND_PROXY: value }).outboundProxy;
  it('goes out directly by default, or through the http(s) proxy given', () => {
    expect(proxy()).toBeUndefined();
    expect(proxy('')).toBeUndefined();
    expect(proxy('http://proxy.internal:3128')).toBe('http://proxy.internal:3128');
    expect(proxy('https://user:pass@proxy.example.com')).toBe('https://user:pass@proxy.example.com');
  });
  it('refuses what is not an http(s) URL, saying what it wants', () => {
    for (const bad of ['proxy.internal:3128', 'socks5://proxy:1080', 'file:///etc/passwd']) {
      expect(() => proxy(bad), bad).toThrow(
        /SWITCHBOARD_OUTBOUND_PROXY must be an http:\/\/ or https:\/\/ URL/,
      );
    }
  });
});
