import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS_DIR, loadConnectorFile, loadConnectors, SCHEMA_FILE } from './loader.js';
import { connectorJsonSchema } from './schema.js';

/** Every connector file that ships: the directory's JSON files but the schema. */
const SHIPPED = (await readdir(BUILTIN_CONNECTORS_DIR))
  .filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE)
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
let dir: string;
const shipped = async (key: string) =>
  JSON.parse(await readFile(path.join(BUILTIN_CONNECTORS_DIR, `${key}.json`), 'utf8')) as Record<
    string,
    unknown
  > & { auth: Record<string, unknown>; environments: Array<Record<string, unknown>> };
/** The loader's message for `json` written as a connector file. */
async function problems(json: unknown): Promise<string> {
  const file = path.join(dir, 'x.json');
  await writeFile(file, JSON.stringify(json));
  return loadConnectorFile(file).then(
    () => 'loaded',
    (err: Error) => err.message,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'connector-schema-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('connector schema', () => {
  it('ships connectors/schema.json as generated from the zod schema (npm run connectors:schema)', async () => {
    const file = await readFile(path.join(BUILTIN_CONNECTORS_DIR, SCHEMA_FILE), 'utf8');
    expect(JSON.parse(file)).toEqual(connectorJsonSchema());
  });

  it.each(SHIPPED)('%s.json names the shipped schema and loads', async (key) => {
    expect((await shipped(key)).$schema).toBe('./schema.json');
    await expect(loadConnectorFile(path.join(BUILTIN_CONNECTORS_DIR, `${key}.json`))).resolves.toMatchObject({
      key,
    });
  });

  it('does not load schema.json as a connector', async () => {
    expect(
      (await loadConnectors())
        .list()
        .map((c) => c.key)
        .sort(),
    ).toEqual(SHIPPED);
  });

  it('refuses a misspelt key with its path and the key it was meant to be', async () => {
    const salesforce = await shipped('salesforce');
    const { keep_token_fields, ...auth } = salesforce.auth;
    expect(keep_token_fields).toContain('instance_url');
    const said = await problems({ ...salesforce, auth: { ...auth, keep_token_feilds: keep_token_fields } });
    expect(said).toContain('auth.keep_token_feilds: unknown key (did you mean "keep_token_fields"?)');
  });

  it('lists every problem, at any depth, each with its path', async () => {
    const oneflow = await shipped('oneflow');
    const [first, ...rest] = oneflow.environments;
    const said = await problems({
      ...oneflow,
      bse_url: 'https://api.oneflow.com',
      environments: [{ ...first, lable: 'x' }, ...rest],
      categories: ['not-a-category'],
    });
    expect(said).toContain('bse_url: unknown key (did you mean "base_url"?)');
    expect(said).toContain('environments.0.lable: unknown key (did you mean "label"?)');
    expect(said).toMatch(/categories\.0: /);
    expect(said.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(3);
  });

  it('is strict in every nested object, down to an authorize preflight rule', async () => {
    const kustomer = await shipped('kustomer');
    const preflight = kustomer.auth.authorize_preflight as { refuse: Array<Record<string, unknown>> };
    const rule = { ...preflight.refuse[0], body_contain: 'x' };
    const said = await problems({
      ...kustomer,
      auth: { ...kustomer.auth, authorize_preflight: { refuse: [rule] } },
    });
    expect(said).toContain(
      'auth.authorize_preflight.refuse.0.body_contain: unknown key (did you mean "body_contains"?)',
    );
  });

  it('suggests nothing for a key that is nothing like a declared one', async () => {
    const said = await problems({ ...(await shipped('oneflow')), zzzzqqqq: 1 });
    expect(said).toContain('zzzzqqqq: unknown key');
    expect(said).not.toContain('did you mean');
  });
});

describe('URL templates land on owned hosts', () => {
  it('refuses a URL that renders off the connector hosts, for any environment', async () => {
    const kustomer = await shipped('kustomer');
    expect(
      await problems({
        ...kustomer,
        auth: { ...kustomer.auth, token_url: 'https://tokens.example.com/oauth/token' },
      }),
    ).toMatch(
      /token_url: renders to tokens\.example\.com in environment production, a host the connector does not own/,
    );
    expect(
      await problems({ ...kustomer, base_url: 'http://${config.org_name}.api.kustomerapp.com' }),
    ).toMatch(/base_url: must be an https URL/);
    const salesforce = await shipped('salesforce');
    const envs = salesforce.environments.map((e) =>
      e.key === 'sandbox' ? { ...e, values: { login_host: 'https://login.example.com' } } : e,
    );
    expect(await problems({ ...salesforce, environments: envs })).toMatch(/sandbox/);
  });

  it('accepts field labels in the host and origins known only after linking', async () => {
    for (const key of SHIPPED) expect(await problems(await shipped(key))).toBe('loaded');
  });
});

describe('docs/connectors.md', () => {
  it('documents every schema key from the schema itself (run npx tsx scripts/connector-docs.ts)', async () => {
    const { CONNECTOR_DOCS, renderConnectorDocs } = await import('../../scripts/connector-docs.js');
    const doc = await readFile(CONNECTOR_DOCS, 'utf8');
    expect(renderConnectorDocs(doc)).toBe(doc);
    for (const key of ['grant', 'post_auth', 'token_request', 'setup_helper', 'body_format', 'basic'])
      expect(doc).toContain(`| \`${key}\``);
  });
});

describe('docs/catalogue.md', () => {
  it('lists every built-in connector as its file says (run npx tsx scripts/catalogue-docs.ts)', async () => {
    const { CATALOGUE_DOCS, renderCatalogueDocs } = await import('../../scripts/catalogue-docs.js');
    const doc = await readFile(CATALOGUE_DOCS, 'utf8');
    expect(await renderCatalogueDocs(doc)).toBe(doc);
    for (const key of SHIPPED) expect(doc).toContain(`(\`${key}\`)`);
  });
});
