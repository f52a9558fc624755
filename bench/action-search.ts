/**
 * Action search: quality on a labelled query set (top-1, top-3, MRR) over the loaded catalogue,
 * and search latency at the catalogue's size and at 10,000 synthetic actions, next to a
 * baseline measured in the same run: a linear scan counting query words in each action's text.
 *
 *   npx tsx bench/action-search.ts
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConnectors } from '../src/connectors/loader.js';
import {
  ActionIndex,
  processTerm,
  searchableActions,
  type SearchableAction,
} from '../src/core/actions/search.js';
import { percentile } from './lib.js';

interface Labelled {
  query: string;
  expected: string;
}

const words = (text: string): string[] =>
  text
    .split(/[^\p{L}\p{N}]+/u)
    .map(processTerm)
    .filter((t): t is string => t !== null);

/** The baseline: every action's words in a set, ranked by how many query words it holds. */
function linearScan(actions: SearchableAction[]) {
  const texts = actions.map((a) => ({
    id: a.id,
    words: new Set(words(`${a.id} ${a.label} ${a.description} ${a.tags.join(' ')} ${a.inputs}`)),
  }));
  return (query: string, limit: number): string[] => {
    const q = words(query);
    return texts
      .map((t) => ({ id: t.id, n: q.filter((w) => t.words.has(w)).length }))
      .filter((r) => r.n > 0)
      .sort((a, b) => b.n - a.n)
      .slice(0, limit)
      .map((r) => r.id);
  };
}

function quality(search: (q: string) => string[], queries: Labelled[]) {
  let top1 = 0;
  let top3 = 0;
  let rr = 0;
  for (const { query, expected } of queries) {
    const rank = search(query).indexOf(expected);
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 3) top3++;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  const n = queries.length;
  return { top1: top1 / n, top3: top3 / n, mrr: rr / n };
}

function latency(search: (q: string) => unknown, queries: string[], rounds: number) {
  for (const q of queries) search(q); // warm-up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const q of queries) {
      const t = performance.now();
      search(q);
      times.push(performance.now() - t);
    }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const VERBS = ['list', 'get', 'create', 'update', 'delete', 'search', 'archive', 'export'];
const NOUNS = [
  'invoice',
  'ticket',
  'employee',
  'candidate',
  'order',
  'shipment',
  'campaign',
  'project',
  'task',
  'file',
  'folder',
  'payment',
  'refund',
  'subscription',
  'product',
  'lead',
  'note',
  'comment',
  'event',
  'meeting',
  'channel',
  'message',
  'user',
  'group',
  'invoice_line',
  'report',
  'survey',
  'asset',
  'vendor',
  'expense',
];

/** Real actions plus synthetic ones (`c17_list_invoices`…) up to `size`. */
function synthetic(real: SearchableAction[], size: number): SearchableAction[] {
  const out = [...real];
  for (let i = 0; out.length < size; i++) {
    const connector = `c${i % 400}`;
    const verb = VERBS[i % VERBS.length]!;
    const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]!;
    out.push({
      id: `${connector}_${verb}_${noun}_${i}`,
      connector,
      label: `${verb} ${noun}s`,
      description: `${verb[0]!.toUpperCase()}${verb.slice(1)}s ${noun.replace('_', ' ')} records of connector ${connector}.`,
      tags: [noun],
      inputs: verb === 'list' ? 'page_size Records per page.' : 'id The record id.',
    });
  }
  return out;
}

const ms = (v: number) => `${v.toFixed(3)} ms`;

async function main() {
  const file = JSON.parse(fs.readFileSync('bench/action-search-queries.json', 'utf8')) as {
    queries: Labelled[];
  };
  const actions = searchableActions((await loadConnectors()).list());
  const ids = new Set(actions.map((a) => a.id));
  const queries = file.queries.filter((q) => ids.has(q.expected));
  console.log(
    `catalogue: ${actions.length} actions; queries: ${queries.length} of ${file.queries.length} have their expected action loaded`,
  );

  const index = new ActionIndex(actions);
  const scan = linearScan(actions);
  const ours = quality((q) => index.search(q, { limit: 10 }).hits.map((h) => h.id), queries);
  const base = quality((q) => scan(q, 10), queries);
  console.log('\n| ranking | top-1 | top-3 | MRR |\n| --- | --- | --- | --- |');
  for (const [name, r] of [
    ['MiniSearch index', ours],
    ['baseline: linear word scan', base],
  ] as const)
    console.log(
      `| ${name} | ${(r.top1 * 100).toFixed(1)}% | ${(r.top3 * 100).toFixed(1)}% | ${r.mrr.toFixed(3)} |`,
    );

  console.log('\n| actions | index p50 | index p95 | scan p50 | scan p95 | scan/index (p50) | index build |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const texts = queries.map((q) => q.query);
  for (const size of [actions.length, 10_000]) {
    const docs = size === actions.length ? actions : synthetic(actions, size);
    const t = performance.now();
    const idx = new ActionIndex(docs);
    const build = performance.now() - t;
    const sc = linearScan(docs);
    const rounds = size > 1000 ? 20 : 200;
    const a = latency((q) => idx.search(q, { limit: 10 }), texts, rounds);
    const b = latency((q) => sc(q, 10), texts, rounds);
    console.log(
      `| ${docs.length} | ${ms(a.p50)} | ${ms(a.p95)} | ${ms(b.p50)} | ${ms(b.p95)} | ${(b.p50 / a.p50).toFixed(2)}× | ${build.toFixed(1)} ms |`,
    );
  }
}

await main();
