/**
 * Renders the error, attempt and status-reason code tables of docs/api.md from their one source
 * (`src/core/errors.ts`, `src/core/linking/outcome-codes.ts`), between marker comments.
 *
 *   npx tsx scripts/error-docs.ts           rewrites docs/api.md
 *   npx tsx scripts/error-docs.ts --check   exits 1 when docs/api.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ERRORS } from '../src/core/errors.js';
import { ATTEMPT_ERRORS, STATUS_REASONS } from '../src/core/linking/outcome-codes.js';

export const DOCS_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'api.md');

/** A Markdown table laid out the way the formatter lays it out (columns padded to their widest cell). */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const SECTIONS: Record<string, () => string> = {
  'error-codes': () =>
    table(
      ['code', 'status', 'meaning'],
      ERROR_CODES.map((code) => {
        const def: { status: number; meaning: string; passThrough?: true } = ERRORS[code];
        return [
          `\`${code}\``,
          def.passThrough ? `${def.status} (or the provider's 4xx)` : String(def.status),
          def.meaning,
        ];
      }),
    ),
  'attempt-codes': () =>
    table(
      ['code', 'meaning'],
      Object.entries(ATTEMPT_ERRORS).map(([code, meaning]) => [`\`${code}\``, meaning]),
    ),
  'status-reason-codes': () =>
    table(
      ['code', 'meaning'],
      Object.entries(STATUS_REASONS).map(([code, meaning]) => [`\`${code}\``, meaning]),
    ),
};

/** The document with every generated section replaced by what the sources say now. */
export function renderDocs(doc: string): string {
  let out = doc;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const begin = `<!-- BEGIN GENERATED ${name} (scripts/error-docs.ts) -->`;
    const end = `<!-- END GENERATED ${name} -->`;
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/api.md has no ${name} markers`);
    out = `${out.slice(0, from + begin.length)}\n\n${render()}\n\n${out.slice(to)}`;
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(DOCS_PATH, 'utf8');
  const next = renderDocs(doc);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error('docs/api.md is out of date: run npx tsx scripts/error-docs.ts');
      process.exit(1);
    }
  } else if (next !== doc) writeFileSync(DOCS_PATH, next);
}
