/**
 * Renders the table of built-in connectors in docs/catalogue.md from the connector files
 * themselves (name, categories, how an account links, what the end user enters, actions,
 * declared rate limit, cited sources), between marker comments.
 *
 *   npx tsx scripts/catalogue-docs.ts           rewrites docs/catalogue.md
 *   npx tsx scripts/catalogue-docs.ts --check   exits 1 when docs/catalogue.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { categoryLabel } from '../src/contract/categories.js';
import { loadConnectors } from '../src/connectors/loader.js';
import type { Connector } from '../src/connectors/schema.js';
import { table } from './error-docs.js';

export const CATALOGUE_DOCS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'docs',
  'catalogue.md',
);
const BEGIN = '<!-- BEGIN GENERATED catalogue (scripts/catalogue-docs.ts) -->';
const END = '<!-- END GENERATED catalogue -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** How an account links, in a few words. */
function authOf(c: Connector): string {
  if (c.auth.type === 'api_key') return c.inject.basic ? 'API key (HTTP Basic)' : 'API key';
  if (c.auth.grant === 'client_credentials') return 'OAuth 2.0 client credentials';
  const extras = [
    c.auth.pkce.supported ? 'PKCE' : null,
    c.auth.post_auth.length ? 'discovery after sign-in' : null,
    c.auth.callback_hmac ? 'signed callback' : null,
  ].filter(Boolean);
  return `OAuth 2.0${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

/** What the end user enters in the Hub besides signing in. */
const inputsOf = (c: Connector) => c.config_fields.map((f) => f.label).join(', ') || '—';

/** The table, one row per built-in connector. */
export async function catalogueTable(): Promise<string> {
  const connectors = (await loadConnectors()).list().sort((a, b) => a.key.localeCompare(b.key));
  const rows = connectors.map((c) => [
    `${cell(c.name)} (\`${c.key}\`)`,
    c.categories.map(categoryLabel).join(', '),
    authOf(c),
    cell(inputsOf(c)),
    cell(c.environments.map((e) => e.label).join(', ')),
    String(c.actions.length),
    c.rate_limit ? 'declared' : '429 + Retry-After',
    String(c.sources.length),
  ]);
  const actions = connectors.reduce((n, c) => n + c.actions.length, 0);
  return `${connectors.length} connectors, ${actions} actions.\n\n${table(
    [
      'connector',
      'categories',
      'auth',
      'end user enters',
      'environments',
      'actions',
      'rate limit',
      'sources',
    ],
    rows,
  )}`;
}

/** The document with the generated table replaced by what the connector files say now. */
export async function renderCatalogueDocs(doc: string): Promise<string> {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error('docs/catalogue.md has no catalogue markers');
  return `${doc.slice(0, from + BEGIN.length)}\n\n${await catalogueTable()}\n\n${doc.slice(to)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(CATALOGUE_DOCS, 'utf8');
  const next = await renderCatalogueDocs(doc);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error('docs/catalogue.md is out of date: run npx tsx scripts/catalogue-docs.ts');
      process.exit(1);
    }
  } else writeFileSync(CATALOGUE_DOCS, next);
}
