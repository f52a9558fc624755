import { describe, expect, it } from 'vitest';
import { loadConnectors } from './loader.js';
import { hostMatches } from './hosts.js';
import { urlTemplates } from './url-values.js';
import { credentialSamples } from './url-hosts.js';
import { renderUrl, TemplateError } from './templating.js';
import { urlValueKind } from './url-values.js';
import { resolveUrl, type ProviderTarget } from '../core/connector-profiles/target.js';
import type { Deps } from '../core/deps.js';
import type { Connector, Field } from './schema.js';

// Regression for the Salesforce connector that shipped unable to link: `${env.login_host}` inside
// `${env.login_host}/services/oauth2/authorize` was percent-encoded into a relative URL, and every
// test hid it behind URL overrides. Here each shipped connector renders with no override at all.

/** A value of the right shape for a field: a DNS label, an email, or plain text. */
function sample(f: Field): string {
  if (f.format === 'dns_label') return 'acme';
  if (f.format === 'email') return 'user@example.com';
  if (f.format === 'url') return 'https://example.com';
  return f.options?.[0]?.value ?? 'sample-value';
}

/** A credentials origin on a host the connector owns, as a token response would carry. */
function credentials(c: Connector): Record<string, string> {
  const out: Record<string, string> = { access_token: 'at-1', ...credentialSamples(c) };
  const wildcard = c.hosts.find((h) => h.startsWith('*.'));
  // An origin on a wildcard host, else on the first host the connector names.
  const origin = wildcard ? `https://acme${wildcard.slice(1)}` : `https://${c.hosts[0]}`;
  for (const name of c.origins) {
    if (name.startsWith('credentials.')) out[name.slice('credentials.'.length)] = origin;
  }
  return out;
}

const deps = { settings: { allowPrivateNetwork: false } } as unknown as Deps;
const registry = await loadConnectors();
const cases = registry.list().flatMap((c) => c.environments.map((e) => [c.key, e.key, c] as const));

describe('connector URLs as shipped (no overrides)', () => {
  it.each(cases)(
    '%s (%s): every URL is absolute https on a host the connector owns',
    (_key, environment, c) => {
      const target: ProviderTarget = {
        connector: c,
        environment,
        overrides: {},
        config: Object.fromEntries(c.config_fields.map((f) => [f.key, sample(f)])),
        setup: Object.fromEntries(c.setup_fields.map((f) => [f.key, sample(f)])),
        credentials: credentials(c),
      };
      const templates = urlTemplates(c);
      expect(templates.length).toBeGreaterThan(0);
      for (const [which] of templates) {
        const url = new URL(resolveUrl(deps, target, which as 'base_url'));
        expect(url.protocol, `${which} of ${c.key}`).toBe('https:');
        expect(
          c.hosts.some((h) => hostMatches(url.hostname, h)),
          `${which} ${url} is on an owned host`,
        ).toBe(true);
        expect(url.username + url.password).toBe('');
      }
    },
  );

  it('Salesforce production and sandbox log in at their documented hosts', () => {
    const sf = registry.get('salesforce')!;
    const urls = (environment: string) => {
      const t: ProviderTarget = {
        connector: sf,
        environment,
        overrides: {},
        config: {},
        setup: {},
        credentials: { instance_url: 'https://acme.my.salesforce.com' },
      };
      return ['authorization_url', 'token_url', 'revoke_url', 'base_url'].map((w) =>
        resolveUrl(deps, t, w as 'base_url'),
      );
    };
    expect(urls('production')).toEqual([
      'https://login.salesforce.com/services/oauth2/authorize',
      'https://login.salesforce.com/services/oauth2/token',
      'https://login.salesforce.com/services/oauth2/revoke',
      'https://acme.my.salesforce.com',
    ]);
    expect(urls('sandbox').slice(0, 3)).toEqual([
      'https://test.salesforce.com/services/oauth2/authorize',
      'https://test.salesforce.com/services/oauth2/token',
      'https://test.salesforce.com/services/oauth2/revoke',
    ]);
  });

  it('a token response cannot move the Salesforce API off Salesforce, nor smuggle a path into it', () => {
    const sf = registry.get('salesforce')!;
    const base = (instance_url: string) =>
      resolveUrl(
        deps,
        {
          connector: sf,
          environment: 'production',
          overrides: {},
          config: {},
          setup: {},
          credentials: { instance_url },
        },
        'base_url',
      );
    expect(() => base('https://evil.example.com')).toThrow(/does not own/);
    expect(() => base('https://acme.my.salesforce.com/../x?y')).toThrow(/not an origin/);
    expect(() => base('https://user:pw@acme.my.salesforce.com')).toThrow(/not an origin/);
  });
});

describe('URL placeholder kinds', () => {
  const c = {
    origins: ['env.host'],
    config_fields: [{ key: 'org', format: 'dns_label' }, { key: 'q' }],
    setup_fields: [],
  } as unknown as Connector;
  const kind = (n: string) => urlValueKind(c, n);
  it('inserts a declared origin whole, a DNS label as is, and encodes anything else', () => {
    const ctx = { env: { host: 'https://login.example.com' }, config: { org: 'Acme', q: 'a/b?c' } };
    expect(renderUrl('${env.host}/x/${config.q}', ctx, kind)).toBe('https://login.example.com/x/a%2Fb%3Fc');
    expect(renderUrl('https://${config.org}.example.com', ctx, kind)).toBe('https://acme.example.com');
  });
  it('refuses a value that does not fit its declared kind', () => {
    expect(() =>
      renderUrl('https://${config.org}.example.com', { config: { org: 'evil.com#' } }, kind),
    ).toThrow(TemplateError);
    expect(() =>
      renderUrl('https://x.example.com${env.host}', { env: { host: 'https://a.example.com' } }, kind),
    ).toThrow(/must start/);
    // An undeclared placeholder that looks like a URL is still a segment, never an origin.
    expect(renderUrl('${config.q}/x', { config: { q: 'https://evil.com' } }, kind)).toBe(
      'https%3A%2F%2Fevil.com/x',
    );
  });
});

describe('URL templates checked at load', async () => {
  const fs = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const { loadConnectorFile, BUILTIN_CONNECTORS_DIR } = await import('./loader.js');
  const base = JSON.parse(await fs.readFile(path.join(BUILTIN_CONNECTORS_DIR, 'salesforce.json'), 'utf8'));
  async function load(patch: (c: Record<string, any>) => void) {
    // eslint-disable-line -- a connector file is free-form JSON here
    const c = structuredClone(base);
    delete c.logo;
    patch(c);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'conn-'));
    const file = path.join(dir, 'c.json');
    await fs.writeFile(file, JSON.stringify(c));
    return loadConnectorFile(file);
  }
  it('loads the shipped file', async () => {
    await expect(load(() => undefined)).resolves.toMatchObject({ key: 'salesforce' });
  });
  it('refuses an origin placeholder that does not start its URL', async () => {
    await expect(
      load((c) => (c.auth.token_url = 'https://x.salesforce.com${env.login_host}')),
    ).rejects.toThrow(/must start the URL/);
  });
  it('refuses an undeclared placeholder in the host', async () => {
    await expect(load((c) => (c.origins = ['credentials.instance_url']))).rejects.toThrow(/sits in the host/);
  });
  it('refuses an environment origin on a host the connector does not own, or with a path', async () => {
    await expect(
      load((c) => (c.environments[1].values.login_host = 'https://test.evil.com')),
    ).rejects.toThrow(/does not own/);
    await expect(
      load((c) => (c.environments[0].values.login_host = 'https://login.salesforce.com/x')),
    ).rejects.toThrow(/https origin/);
  });
});
