// How the fake provider pages a list action's records, in every style `result.next` can declare
// (`pagingOf`): a next URL in the body or in the `Link` header, a cursor token, a page counter,
// an offset, or the last item's value, sent back as a query parameter or at a key of a JSON
// body. Each style is a pair of functions over record indexes: where the records a request asks
// for start, and how an answer points at the next ones. The fake is strict: a paging value it did
// not hand out, or one sent where the connector does not say, is refused.
import type { Action, Paging } from '../connectors/action-schema.js';
import { pick } from '../connectors/json-path.js';
import { pagingOf } from '../core/actions/paging.js';
import { setAt } from './paths.js';

/** One page's answer as it is being built. */
export interface PageAnswer {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A list request as the fake received it. */
export interface PageRequest {
  url: URL;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** The value the request gives the paging input (`result.next.input`), read from its templates. */
  input?: string | undefined;
}

export interface PagingStyle {
  /**
   * The 0-based index of the first record the request asks for, or a string saying why the
   * request's paging value is not one the fake handed out.
   */
  startOf(req: PageRequest, records: unknown[]): number | string;
  /** Points the answer at the records from index `next` on (called only when there are more). */
  link(answer: PageAnswer, req: PageRequest, next: number): void;
  /** The records per page (the connector's fixed `page_size` wins over the fixture's). */
  size: number;
  /** Where the answer says whether more pages follow, when the connector declares it. */
  hasMore?: string | undefined;
}

export interface PagingOptions {
  /** The query parameter the fake's next-page links carry the page number in. */
  pageParam: string;
  /** A root-relative link (`/v1/items?page=2`) or a whole URL. */
  linkAs: 'path' | 'url';
  /** Another origin the whole-URL links name instead of the request's (Front: the company's host). */
  origin?: string | undefined;
  /** The fixture's records per page. */
  pageSize: number;
}

/** The request's URL with another page number, as the fake hands it out. */
function pageUrl(url: URL, page: number, opts: PagingOptions): string {
  const next = new URL(url);
  next.searchParams.set(opts.pageParam, String(page));
  if (opts.origin) return new URL(next.pathname + next.search, opts.origin).href;
  return opts.linkAs === 'url' ? next.toString() : next.pathname + next.search;
}

/** The first record of the page a `pageParam` query parameter names (page 1 when absent). */
function pageParamStart(url: URL, opts: PagingOptions): number | string {
  const raw = url.searchParams.get(opts.pageParam);
  if (raw === null) return 0;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? (n - 1) * opts.pageSize : `${opts.pageParam}=${raw} is no page`;
}

/** A page is fetched again by URL: the next page's URL sits at a body path or in `Link`. */
function byUrl(p: Paging, opts: PagingOptions): PagingStyle | null {
  if (p.type !== 'url' && p.type !== 'link_header') return null;
  const path = p.type === 'url' ? p.path : null;
  return {
    size: opts.pageSize,
    startOf: (req) => pageParamStart(req.url, opts),
    link: (answer, req, next) => {
      const url = pageUrl(req.url, next / opts.pageSize + 1, opts);
      if (path !== null) setAt(answer.body, path, url);
      else answer.headers.link = `<${url}>; rel="next"`;
    },
  };
}

type ValuePaging = Exclude<Paging, { type: 'url' | 'link_header' }>;

/** Reads a dotted key of a JSON body (the runtime's `setBodyKey` in reverse). */
function bodyKeyValue(body: unknown, key: string): unknown {
  let node = body;
  for (const seg of key.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** The paging value a request carries where the connector says it goes, and a label for messages. */
function sentValue(p: ValuePaging, req: PageRequest): { value: unknown; where: string } {
  if (p.param !== undefined) return { value: req.url.searchParams.get(p.param) ?? undefined, where: p.param };
  if (p.input !== undefined) return { value: req.input, where: `input ${p.input}` };
  return { value: bodyKeyValue(req.body, p.body_key ?? ''), where: `body ${p.body_key}` };
}

/** The opaque cursor the fake hands out for the records from index `i` on. */
const cursorFor = (i: number) => `cur_${Buffer.from(`from:${i}`).toString('base64url')}`;

function cursorStart(token: string): number | null {
  if (!token.startsWith('cur_')) return null;
  const m = /^from:(\d+)$/.exec(Buffer.from(token.slice(4), 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** A cursor token at a body path, sent back as a parameter or body key; absent on the first request. */
function byCursor(p: Paging, opts: PagingOptions): PagingStyle | null {
  if (p.type !== 'cursor') return null;
  return {
    size: opts.pageSize,
    hasMore: p.has_more,
    startOf: (req) => {
      const { value, where } = sentValue(p, req);
      if (value === undefined) return 0;
      const at = typeof value === 'string' ? cursorStart(value) : null;
      return at ?? `${where}: ${JSON.stringify(value)} is not a cursor this provider handed out`;
    },
    link: (answer, _req, next) => setAt(answer.body, p.path, cursorFor(next)),
  };
}

/** A number sent as a query parameter (text) or at a body key (a JSON number). */
function numberSent(p: ValuePaging, req: PageRequest): number | string {
  const { value, where } = sentValue(p, req);
  if (value === undefined)
    return `${where} is missing (the first page sends ${'start' in p ? p.start : '?'})`;
  const n = typeof value === 'string' && p.body_key === undefined ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n))
    return `${where}: ${JSON.stringify(value)} is not a number`;
  return n;
}

/** The connector's fixed page size, when it gives one; else the fixture's. */
function sizeOf(p: Extract<Paging, { type: 'page' | 'offset' }>, opts: PagingOptions): number {
  return typeof p.page_size === 'number' ? p.page_size : opts.pageSize;
}

/** A page counter from `start`, one up per page; the runtime counts, the answer carries no link. */
function byPage(p: Paging, opts: PagingOptions): PagingStyle | null {
  if (p.type !== 'page') return null;
  const size = sizeOf(p, opts);
  return {
    size,
    hasMore: p.has_more,
    startOf: (req) => {
      const n = numberSent(p, req);
      if (typeof n === 'string') return n;
      return n >= p.start ? (n - p.start) * size : `page ${n} is before the first page ${p.start}`;
    },
    link: () => undefined,
  };
}

/** An offset from `start`, up by the records of each page; the answer carries no link. */
function byOffset(p: Paging, opts: PagingOptions): PagingStyle | null {
  if (p.type !== 'offset') return null;
  return {
    size: sizeOf(p, opts),
    hasMore: p.has_more,
    startOf: (req) => {
      const n = numberSent(p, req);
      if (typeof n === 'string') return n;
      return n >= p.start ? n - p.start : `offset ${n} is before the first offset ${p.start}`;
    },
    link: () => undefined,
  };
}

/** The last item's value (its id) names where the next page starts: the record after it. */
function byLastItem(p: Paging, opts: PagingOptions): PagingStyle | null {
  if (p.type !== 'last_item') return null;
  return {
    size: opts.pageSize,
    hasMore: p.has_more,
    startOf: (req, records) => {
      const { value, where } = sentValue(p, req);
      if (value === undefined) return 0;
      const i = records.findIndex((r) => {
        const v = pick(r, p.item_path);
        return v !== undefined && String(v) === String(value);
      });
      return i === -1 ? `${where}: ${JSON.stringify(value)} is no record's ${p.item_path}` : i + 1;
    },
    link: () => undefined,
  };
}

/** Every style the fake can play, tried in order; the first that fits the action wins. */
const STYLES: Array<(p: Paging, opts: PagingOptions) => PagingStyle | null> = [
  byUrl,
  byCursor,
  byPage,
  byOffset,
  byLastItem,
];

/** How an action pages, or null when it does not. */
export function pagingStyle(action: Action, opts: PagingOptions): PagingStyle | null {
  const p = pagingOf(action);
  if (!p) return null;
  for (const style of STYLES) {
    const found = style(p, opts);
    if (found) return found;
  }
  return null;
}

/**
 * One page of `records` for a request, in the action's paging style: the records at
 * `dataPath`, the link to the next ones when there are more, `has_more` when declared. A string
 * says why the request was refused.
 */
export function answerPage(
  style: PagingStyle,
  req: PageRequest,
  records: unknown[],
  dataPath: string,
): { body: unknown; headers: Record<string, string> } | string {
  const start = style.startOf(req, records);
  if (typeof start === 'string') return start;
  const page = records.slice(start, start + style.size);
  const answer: PageAnswer = { body: {}, headers: {} };
  const more = start + style.size < records.length;
  if (more) style.link(answer, req, start + style.size);
  if (style.hasMore !== undefined) setAt(answer.body, style.hasMore, more);
  if (dataPath !== '' && dataPath !== '$') {
    setAt(answer.body, dataPath, page);
    return answer;
  }
  // The whole body is the list: nothing else can sit in it.
  if (Object.keys(answer.body).length)
    throw new Error('result.data is the whole body, so the next-page value has nowhere to go');
  return { body: page, headers: answer.headers };
}

/** Whether the connector declares paging for this action at all (whatever the style). */
export const pages = (action: Action): boolean => action.result.next !== undefined;
