import MiniSearch, { type SearchResult } from 'minisearch';
import type { Connector } from '../../connectors/schema.js';
import type { ConnectorRegistry } from '../../connectors/loader.js';

/** What search reads of one action: its id (split into words), label, description, tags and inputs. */
export interface SearchableAction {
  id: string;
  connector: string;
  label: string;
  description: string;
  tags: string[];
  /** Input names and descriptions, as one text. */
  inputs: string;
}

/** One ranked action; `similarity` is in [0, 1]. */
export interface ActionHit {
  id: string;
  connector: string;
  label: string;
  description: string;
  similarity: number;
}

export interface ActionSearchOptions {
  /** The most hits returned. */
  limit: number;
  /** Only this connector's actions. */
  connector?: string | undefined;
  /** Hits below this similarity are left out. */
  minSimilarity?: number | undefined;
  /** Which actions may be returned (the caller's project's); all when absent. */
  allowed?: ((id: string) => boolean) | undefined;
}

/** Words that say nothing about which action is meant. */
const STOP_WORDS = new Set(
  'a an and all any are as at be by can do does for from get give how i in into is it its me my of on or show some that the their them these this to up what which with you your'.split(
    ' ',
  ),
);

/** Splits on anything but letters and digits: `kustomer_list_customers` is three words. */
const tokenize = (text: string): string[] => text.split(/[^\p{L}\p{N}]+/u);

/** Lower case, stop words out, plurals folded (`customers`, `opportunities` → `customer`, `opportunity`). */
export function processTerm(term: string): string | null {
  const t = term.toLowerCase();
  if (t.length < 2 || STOP_WORDS.has(t)) return null;
  if (t.length > 4 && t.endsWith('ies')) return `${t.slice(0, -3)}y`;
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) return t.slice(0, -1);
  return t;
}

/** The search-relevant text of a connector's actions. */
export function searchableActions(connectors: Connector[]): SearchableAction[] {
  return connectors.flatMap((c) =>
    c.actions.map((a) => ({
      id: a.id,
      connector: c.key,
      label: a.label,
      description: a.description,
      tags: a.tags,
      inputs: a.inputs.map((i) => `${i.key} ${i.description}`).join(' '),
    })),
  );
}

/** The terms of a query as the index sees them (distinct, processed). */
const queryTerms = (query: string): Set<string> =>
  new Set(
    tokenize(query)
      .map(processTerm)
      .filter((t): t is string => t !== null),
  );

/**
 * A full-text index (MiniSearch, BM25+) over actions. Ranking is MiniSearch's; the score is
 * mapped to [0, 1]: relative to the best hit, scaled by the share of the query's terms that
 * hit matched, so a query half of whose words match nothing cannot score above 0.5.
 */
export class ActionIndex {
  readonly size: number;
  private readonly index: MiniSearch<SearchableAction>;

  constructor(actions: SearchableAction[]) {
    this.index = new MiniSearch<SearchableAction>({
      fields: ['id', 'label', 'description', 'tags', 'inputs'],
      storeFields: ['connector', 'label', 'description'],
      extractField: (doc, field) => {
        const v = doc[field as keyof SearchableAction];
        return Array.isArray(v) ? v.join(' ') : v;
      },
      tokenize,
      processTerm,
      searchOptions: {
        boost: { label: 3, id: 2, tags: 2, description: 1, inputs: 0.5 },
        prefix: (term) => term.length >= 3,
        fuzzy: (term) => (term.length > 4 ? 0.2 : false),
        combineWith: 'OR',
      },
    });
    this.index.addAll(actions);
    this.size = actions.length;
  }

  /** The best matches for a query, best first, and how many matched before the limit. */
  search(query: string, o: ActionSearchOptions): { hits: ActionHit[]; total: number } {
    const terms = queryTerms(query);
    if (!terms.size) return { hits: [], total: 0 };
    const results = this.index.search(query, {
      filter: (r) => (!o.connector || r.connector === o.connector) && (!o.allowed || o.allowed(r.id)),
    });
    const top = results[0];
    if (!top) return { hits: [], total: 0 };
    const scale = Math.min(1, top.queryTerms.length / terms.size) / top.score;
    const hits = results
      .map((r) => toHit(r, Math.round(r.score * scale * 10_000) / 10_000))
      .filter((h) => h.similarity >= (o.minSimilarity ?? 0));
    return { hits: hits.slice(0, o.limit), total: hits.length };
  }
}

function toHit(r: SearchResult, similarity: number): ActionHit {
  return {
    id: String(r.id),
    connector: String(r.connector),
    label: String(r.label),
    description: String(r.description),
    similarity,
  };
}

const built = new WeakMap<ConnectorRegistry, ActionIndex>();

/** The index of a registry's actions, built on first use and kept (connectors are loaded once, at start). */
export function actionIndexOf(registry: ConnectorRegistry): ActionIndex {
  let index = built.get(registry);
  if (!index) {
    index = new ActionIndex(searchableActions(registry.list()));
    built.set(registry, index);
  }
  return index;
}
