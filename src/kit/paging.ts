// How the fake provider pages a list action's records. Each paging style a connector can declare
// is one small function pair: which page a request asks for, and how an answer points at the
// next one. Today's runtime knows one style (a next URL at a body path); a Link header, a cursor
// parameter or a page counter is another entry in `STYLES`.
import type { Action } from '../connectors/action-schema.js';
import { setAt } from './paths.js';

/** One page's answer as it is being built. */
export interface PageAnswer {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface PagingStyle {
  /** The 1-based page the request asks for. */
  pageOf(url: URL): number;
  /** Points the answer at page `next` of the same request. */
  link(answer: PageAnswer, url: URL, next: number): void;
}

export interface PagingOptions {
  /** The query parameter the fake's links carry the page number in. */
  pageParam: string;
  /** A root-relative link (`/v1/items?page=2`) or a whole URL. */
  linkAs: 'path' | 'url';
}

/** The request's URL with another page number, as the fake hands it out. */
function pageUrl(url: URL, page: number, opts: PagingOptions): string {
  const next = new URL(url);
  next.searchParams.set(opts.pageParam, String(page));
  return opts.linkAs === 'url' ? next.toString() : next.pathname + next.search;
}

/** The page number a `pageParam` query parameter carries (1 when absent or not a number). */
function pageParamOf(url: URL, opts: PagingOptions): number {
  const n = Number(url.searchParams.get(opts.pageParam) ?? '1');
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** `result.next` is a path in the body: the next page's URL sits there. */
function bodyNextUrl(action: Action, opts: PagingOptions): PagingStyle | null {
  const at = action.result.next;
  if (typeof at !== 'string') return null;
  return {
    pageOf: (url) => pageParamOf(url, opts),
    link: (answer, url, next) => setAt(answer.body, at, pageUrl(url, next, opts)),
  };
}

/** Every style the fake can play, tried in order; the first that fits the action wins. */
const STYLES: Array<(action: Action, opts: PagingOptions) => PagingStyle | null> = [bodyNextUrl];

/** How an action pages, or null when it does not. */
export function pagingStyle(action: Action, opts: PagingOptions): PagingStyle | null {
  for (const style of STYLES) {
    const found = style(action, opts);
    if (found) return found;
  }
  return null;
}

/** Whether the connector declares paging for this action at all (whatever the style). */
export const pages = (action: Action): boolean => action.result.next !== undefined;
