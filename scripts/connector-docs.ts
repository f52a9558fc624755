/**
 * Renders the "Schema reference" of docs/connectors.md from the connector schema itself (its
 * JSON Schema: keys, types, defaults and `.describe()` texts), between marker comments.
 *
 *   npx tsx scripts/connector-docs.ts           rewrites docs/connectors.md
 *   npx tsx scripts/connector-docs.ts --check   exits 1 when docs/connectors.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectorJsonSchema } from '../src/connectors/schema.js';
import { table } from './error-docs.js';

export const CONNECTOR_DOCS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'docs',
  'connectors.md',
);
const BEGIN = '<!-- BEGIN GENERATED schema-reference (scripts/connector-docs.ts) -->';
const END = '<!-- END GENERATED schema-reference -->';

type Json = {
  type?: string | string[];
  properties?: Record<string, Json>;
  required?: string[];
  items?: Json;
  enum?: unknown[];
  const?: unknown;
  oneOf?: Json[];
  anyOf?: Json[];
  default?: unknown;
  description?: string | undefined;
  additionalProperties?: Json | boolean;
  pattern?: string;
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const isObject = (s: Json) => s.type === 'object' && !!s.properties;
/** A union's members, nested unions flattened (a path string or one of the paging objects). */
const variants = (s: Json): Json[] | undefined => {
  const vs = s.oneOf ?? s.anyOf?.filter((v) => v.type !== 'null');
  return vs?.flatMap((v) => variants(v) ?? [v]);
};

/** A short type: `string`, `"a" \| "b"`, `array of object`, `object (below)`, `integer \| null`. */
function typeOf(s: Json): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const vs = variants(s);
  if (vs?.length) {
    const nullable = s.anyOf?.some((v) => v.type === 'null');
    return [...new Set(vs.map(typeOf))].join(' | ') + (nullable ? ' | null' : '');
  }
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'anything'}`;
  if (s.type === 'object' && !s.properties && s.additionalProperties && s.additionalProperties !== true)
    return `map of ${typeOf(s.additionalProperties)}`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? 'any';
}

/** The discriminator that names a variant: `` when `type` is `oauth2` ``. */
function variantName(v: Json): string {
  for (const [k, p] of Object.entries(v.properties ?? {}))
    if (p.const !== undefined) return ` when \`${k}\` is \`${String(p.const)}\``;
  return '';
}

/**
 * One table per object, parents first: `auth` when `type` is `oauth2`, `auth.scopes`,
 * `actions[].inputs[]` … A union's description heads each of its variants.
 */
function sections(name: string, s: Json, out: string[], when = ''): void {
  const vs = variants(s);
  if (vs?.some(isObject)) {
    for (const v of vs.filter(isObject))
      sections(name, { ...v, description: v.description ?? s.description }, out, variantName(v));
    return;
  }
  if (s.type === 'array' && s.items) {
    sections(`${name}[]`, { ...s.items, description: s.items.description ?? s.description }, out);
    return;
  }
  if (!isObject(s)) return;
  const required = new Set(s.required ?? []);
  const nested: Array<[string, Json]> = [];
  const rows = Object.entries(s.properties!).map(([key, p]) => {
    const inner = p.type === 'array' ? p.items : p;
    if (inner && (isObject(inner) || variants(inner)?.some(isObject))) nested.push([key, p]);
    const need = required.has(key)
      ? 'required'
      : p.default !== undefined
        ? `default \`${JSON.stringify(p.default)}\``
        : 'optional';
    return [`\`${key}\``, cell(typeOf(p)), need, cell(p.description ?? '')];
  });
  const title = name === '' ? 'Top level' : `\`${name}\`${when}`;
  out.push(
    `#### ${title}${s.description && name !== '' ? `\n\n${s.description}` : ''}\n\n${table(['key', 'type', 'need', 'meaning'], rows)}`,
  );
  for (const [key, p] of nested) sections(name ? `${name}.${key}` : key, p, out);
}

/** The reference as Markdown. */
export function schemaReference(): string {
  const out: string[] = [];
  // The file's own title and description head the docs page already.
  const { description: _, ...schema } = connectorJsonSchema() as Json;
  sections('', schema, out);
  return out.join('\n\n');
}

/** The document with the generated section replaced by what the schema says now. */
export function renderConnectorDocs(doc: string): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error('docs/connectors.md has no schema-reference markers');
  return `${doc.slice(0, from + BEGIN.length)}\n\n${schemaReference()}\n\n${doc.slice(to)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(CONNECTOR_DOCS, 'utf8');
  const next = renderConnectorDocs(doc);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error('docs/connectors.md is out of date: run npx tsx scripts/connector-docs.ts');
      process.exit(1);
    }
  } else writeFileSync(CONNECTOR_DOCS, next);
}
