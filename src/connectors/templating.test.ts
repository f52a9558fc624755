import { describe, expect, it } from 'vitest';
import { asOrigin, placeholders, render, renderUrl, TemplateError } from './templating.js';

describe('render', () => {
  it('fills every placeholder from its scope, encoding each value', () => {
    const ctx = { config: { org: 'a b' }, env: { host: 'h' } };
    expect(render('${env.host}/${config.org}', ctx)).toBe('h/a b');
    expect(render('${env.host}/${config.org}', ctx, encodeURIComponent)).toBe('h/a%20b');
    expect(render('no placeholders', {})).toBe('no placeholders');
  });

  it.each([[undefined], [null], ['']])(
    'refuses a missing value (%s) instead of rendering it empty',
    (value) => {
      expect(() => render('x/${setup.key}', { setup: { key: value } })).toThrow(TemplateError);
      expect(() => render('x/${setup.key}', { setup: { key: value } })).toThrow(
        'missing value for ${setup.key}',
      );
    },
  );

  it('refuses a scope that is not given', () => {
    expect(() => render('${credentials.token}', { config: { token: 't' } })).toThrow(TemplateError);
  });
});

describe('placeholders', () => {
  it('names every placeholder in order, repeats included', () => {
    expect(placeholders('https://${config.org}.x/${setup.a_1}?q=${config.org}')).toEqual([
      'config.org',
      'setup.a_1',
      'config.org',
    ]);
    expect(placeholders('$config.org {config.org} ${Config.org}')).toEqual([]);
  });
});

describe('asOrigin', () => {
  it('accepts exactly an origin', () => {
    expect(asOrigin('https://acme.my.salesforce.com')).toBe('https://acme.my.salesforce.com');
    expect(asOrigin('https://acme.my.salesforce.com/')).toBe('https://acme.my.salesforce.com');
    expect(asOrigin('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
  });

  it.each([
    ['https://acme.my.salesforce.com/services'],
    ['https://acme.my.salesforce.com?x=1'],
    ['https://acme.my.salesforce.com#x'],
    ['https://u:p@acme.my.salesforce.com'],
    ['javascript:alert(1)'],
    ['acme.my.salesforce.com'],
  ])('refuses %s', (value) => {
    expect(asOrigin(value)).toBeNull();
  });
});

describe('renderUrl', () => {
  const kinds = { 'env.origin': 'origin', 'config.org': 'host_label' } as const;
  const kindOf = (name: string) => kinds[name as keyof typeof kinds] ?? 'segment';

  it('renders an origin, a DNS label and an encoded segment each in its place', () => {
    expect(
      renderUrl(
        '${env.origin}/x/${setup.id}',
        { env: { origin: 'https://acme.example.com/' }, setup: { id: '../a/b?c' } },
        kindOf,
      ),
    ).toBe('https://acme.example.com/x/..%2Fa%2Fb%3Fc');
    expect(renderUrl('https://${config.org}.api.example.com', { config: { org: 'ACME' } }, kindOf)).toBe(
      'https://acme.api.example.com',
    );
  });

  it('refuses a value that does not fit its declared kind', () => {
    expect(() =>
      renderUrl('https://${config.org}.api.example.com', { config: { org: 'evil.com/x' } }, kindOf),
    ).toThrow('is not a single DNS label');
    expect(() =>
      renderUrl('${env.origin}/x', { env: { origin: 'https://a.example.com/path' } }, kindOf),
    ).toThrow('is not an origin');
    expect(() =>
      renderUrl('https://x.example.com/${env.origin}', { env: { origin: 'https://a.example.com' } }, kindOf),
    ).toThrow('must start the URL');
  });
});
