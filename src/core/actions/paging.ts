// How an action pages: what the next request needs (a URL, or a cursor, page or offset value to
// send again with the original input), read from the provider's answer, and the sealed cursor the
// caller carries between pages. Nothing here sends a request.
import type { Action, Paging } from '../../connectors/action-schema.js';
import { pick } from '../../connectors/json-path.js';
import type { Vault } from '../vault.js';
import type { InputValues } from './inputs.js';

/** A paging value sent back to the provider: a cursor token, a page number or an offset. */
export type PageValue = string | number;

/** What the next page needs: a URL to GET, or a value to send with the original input. */
export type NextPage = { url: string } | { value: PageValue };

/** What an opened cursor gives back: the URL, or the first call's input and the value to send. */
export type OpenedCursor = { url: string } | { input: InputValues; value: PageValue };

/** The paging of an action, with the string form read as `{type: 'url', path}`; null when it does not page. */
export function pagingOf(action: Action): Paging | null {
  const next = action.result.next;
  if (next === undefined) return null;
  return typeof next === 'string' ? { type: 'url', path: next } : next;
}

/** Whether the next page is a URL (rather than a value sent with the first call's input). */
export function pagesByUrl(p: Paging): p is Extract<Paging, { type: 'url' | 'link_header' }> {
  return p.type === 'url' || p.type === 'link_header';
}

/** The value the first request sends: the start of a page counter or offset, nothing for a cursor. */
export function firstValue(p: Paging): PageValue | undefined {
  return p.type === 'page' || p.type === 'offset' ? p.start : undefined;
}

/** One link of a `Link` header: its target as written and its relation types. */
export interface LinkValue {
  url: string;
  rel: string[];
}

/** Splits on `sep` outside double-quoted strings (a quoted `\"` does not end the string). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') {
      const end = text.indexOf('>', i);
      if (end !== -1) i = end;
    } else if (!quoted && ch === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(v: string): string {
  const t = v.trim();
  return t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t;
}

/**
 * The links of a `Link` header (RFC 8288 §3): `<uri>; rel="next"; …`, comma-separated, also
 * when a quoted parameter holds a comma or a semicolon. A link without `<…>` is skipped; `rel`
 * holds its space-separated relation types, lower-cased.
 */
export function parseLinkHeader(header: string): LinkValue[] {
  const links: LinkValue[] = [];
  for (const part of splitOutsideQuotes(header, ',')) {
    const m = /^\s*<([^>]*)>\s*(.*)$/s.exec(part);
    if (!m) continue;
    const rel: string[] = [];
    for (const param of splitOutsideQuotes(m[2]!, ';')) {
      const eq = param.indexOf('=');
      if (eq === -1) continue;
      // A parameter given twice counts the first time only (§3.3).
      if (param.slice(0, eq).trim().toLowerCase() === 'rel' && rel.length === 0)
        rel.push(
          ...unquote(param.slice(eq + 1))
            .toLowerCase()
            .split(/\s+/)
            .filter(Boolean),
        );
    }
    links.push({ url: m[1]!.trim(), rel });
  }
  return links;
}

/** The `rel="next"` URL of a response's `Link` header(s), or null. */
export function nextLink(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(', ') : header;
  return parseLinkHeader(text).find((l) => l.rel.includes('next'))?.url || null;
}

/** How many items a page holds: the length of `data` when it is a list, 0 otherwise. */
function itemCount(items: unknown): number {
  return Array.isArray(items) ? items.length : 0;
}

/** False when the response says there is no more (`has_more: false`). */
function saysMore(body: unknown, path: string | undefined): boolean {
  if (path === undefined) return true;
  const v = pick(body, path);
  return v !== false && v !== 'false';
}

function pageSizeOf(p: Extract<Paging, { type: 'page' | 'offset' }>, input: InputValues): number | null {
  if (typeof p.page_size === 'number') return p.page_size;
  if (p.page_size === undefined) return null;
  const v = input[p.page_size];
  return typeof v === 'number' && v > 0 ? v : null;
}

const usable = (v: unknown): v is PageValue => (typeof v === 'string' && v !== '') || typeof v === 'number';

export interface PageAnswer {
  /** The parsed response body. */
  body: unknown;
  /** The response's `Link` header, when it has one. */
  link: string | string[] | undefined;
  /** The page's records as the provider sent them (`result.data`, before `fields`). */
  items: unknown;
}

/**
 * What the page after this one needs, or null when this is the last page.
 * `input` is the call's validated input and `current` the value this page was asked for with.
 */
export function nextPage(
  p: Paging,
  answer: PageAnswer,
  input: InputValues,
  current: PageValue | undefined,
): NextPage | null {
  const { body, items } = answer;
  if (p.type === 'url') {
    const url = pick(body, p.path);
    return typeof url === 'string' && url ? { url } : null;
  }
  if (p.type === 'link_header') {
    const url = nextLink(answer.link);
    return url ? { url } : null;
  }
  if (!saysMore(body, p.has_more)) return null;
  if (p.type === 'cursor') {
    const v = pick(body, p.path);
    return usable(v) ? { value: v } : null;
  }
  const count = itemCount(items);
  if (count === 0) return null;
  if (p.type === 'last_item') {
    const v = pick((items as unknown[])[count - 1], p.item_path);
    return usable(v) ? { value: v } : null;
  }
  const size = pageSizeOf(p, input);
  if (size !== null && count < size) return null;
  const at = typeof current === 'number' ? current : p.start;
  return { value: p.type === 'page' ? at + 1 : at + count };
}

/** Sets a dotted key in a JSON body, making the objects on the way; returns the body. */
export function setBodyKey(
  body: Record<string, unknown> | undefined,
  key: string,
  value: PageValue,
): Record<string, unknown> {
  const root = body ?? {};
  const segs = key.split('.');
  let node = root;
  for (const seg of segs.slice(0, -1)) {
    const child = node[seg];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  node[segs.at(-1)!] = value;
  return root;
}

function formPairs(prefix: string, value: unknown, out: URLSearchParams): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) formPairs(`${prefix}[${i}]`, v, out);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) formPairs(prefix ? `${prefix}[${k}]` : k, v, out);
  } else {
    out.append(prefix, String(value));
  }
}

/**
 * An application/x-www-form-urlencoded body: nested objects as `a[b]=c`, lists as `a[0]=c`,
 * booleans and numbers as their text; null values are left out.
 */
export function formEncode(body: Record<string, unknown>): string {
  const out = new URLSearchParams();
  formPairs('', body, out);
  return out.toString();
}

/**
 * The sealed cursor of the next page. A URL cursor is `{a, acc, u}`; a value cursor carries the
 * first call's validated input and the value (`{a, acc, i, v}`), so the next request is the same
 * request with only the paging value changed.
 */
export function sealCursor(
  vault: Vault,
  actionId: string,
  accountId: string,
  next: NextPage,
  input: InputValues,
): string {
  const rest = 'url' in next ? { u: next.url } : { i: input, v: next.value };
  return vault.seal(JSON.stringify({ a: actionId, acc: accountId, ...rest }));
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Opens a cursor sealed for this action and account in the paging's form, or null. */
export function openCursor(
  vault: Vault,
  cursor: string,
  p: Paging,
  actionId: string,
  accountId: string,
): OpenedCursor | null {
  let c: unknown;
  try {
    c = JSON.parse(vault.open(cursor));
  } catch {
    return null;
  }
  if (!isRecord(c) || c.a !== actionId || c.acc !== accountId) return null;
  if (pagesByUrl(p)) return typeof c.u === 'string' ? { url: c.u } : null;
  if (!isRecord(c.i) || !usable(c.v)) return null;
  return { input: c.i as InputValues, value: c.v };
}
