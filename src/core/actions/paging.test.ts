import { describe, expect, it } from 'vitest';
import { actionSchema, type Paging, pagingSchema } from '../../connectors/action-schema.js';
import { createVault, generateKeySpec, parseKeyRing } from '../vault.js';
import {
  firstValue,
  formEncode,
  nextLink,
  nextPage,
  openCursor,
  pagingOf,
  parseLinkHeader,
  sealCursor,
  setBodyKey,
} from './paging.js';

const paging = (p: Record<string, unknown>): Paging => pagingSchema.parse(p);
const answer = (body: unknown, items: unknown = [], link?: string | string[]) => ({ body, items, link });
const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `it_${i + 1}` }));

describe('pagingOf', () => {
  it('reads the string form as a next URL at a body path', () => {
    const a = actionSchema.parse({
      id: 'acme_list',
      label: 'List',
      request: { path: '/items' },
      result: { data: 'items', next: 'links.next' },
    });
    expect(pagingOf(a)).toEqual({ type: 'url', path: 'links.next' });
  });

  it('is null for an action that does not page', () => {
    expect(
      pagingOf(actionSchema.parse({ id: 'acme_get', label: 'Get', request: { path: '/x' } })),
    ).toBeNull();
  });
});

describe('url and link_header', () => {
  it('url: a JSONPath whose key holds dots', () => {
    const p = paging({ type: 'url', path: "$['@odata.nextLink']" });
    expect(nextPage(p, answer({ '@odata.nextLink': 'https://h.test/p2' }), {}, undefined)).toEqual({
      url: 'https://h.test/p2',
    });
    expect(nextPage(p, answer({ '@odata.nextLink': '' }), {}, undefined)).toBeNull();
    expect(nextPage(p, answer({}), {}, undefined)).toBeNull();
  });

  it('link_header: the rel="next" link, also among several and across header lines', () => {
    const p = paging({ type: 'link_header' });
    const header = '<https://h.test/items?page=1>; rel="prev", <https://h.test/items?page=3>; rel="next"';
    expect(nextPage(p, answer({}, [], header), {}, undefined)).toEqual({
      url: 'https://h.test/items?page=3',
    });
    expect(nextLink(['<https://h.test/a>; rel=first', '<https://h.test/b>; rel=next'])).toBe(
      'https://h.test/b',
    );
    expect(
      nextPage(p, answer({}, [], '<https://h.test/items?page=1>; rel="prev"'), {}, undefined),
    ).toBeNull();
    expect(nextPage(p, answer({}, []), {}, undefined)).toBeNull();
  });
});

describe('parseLinkHeader (RFC 8288)', () => {
  it('reads several relation types, unquoted values and other parameters', () => {
    expect(parseLinkHeader('<https://h.test/2>; rel="next last"; title="Page 2"')).toEqual([
      { url: 'https://h.test/2', rel: ['next', 'last'] },
    ]);
    expect(parseLinkHeader('<https://h.test/2>;rel=NEXT')).toEqual([
      { url: 'https://h.test/2', rel: ['next'] },
    ]);
  });

  it('does not split on a comma or semicolon inside a quoted parameter or the URI', () => {
    expect(
      parseLinkHeader(
        '<https://h.test/a?ids=1,2;3>; title="a, b; c"; rel="prev", <https://h.test/b>; title="x \\" , y"; rel="next"',
      ),
    ).toEqual([
      { url: 'https://h.test/a?ids=1,2;3', rel: ['prev'] },
      { url: 'https://h.test/b', rel: ['next'] },
    ]);
  });

  it('takes the first rel of a link that repeats it, and skips parts that are not links', () => {
    expect(parseLinkHeader('<https://h.test/a>; rel="prev"; rel="next"')).toEqual([
      { url: 'https://h.test/a', rel: ['prev'] },
    ]);
    expect(parseLinkHeader('garbage, <https://h.test/b>; rel=next,')).toEqual([
      { url: 'https://h.test/b', rel: ['next'] },
    ]);
    expect(nextLink('<https://h.test/a>; rel="prev"; rel="next"')).toBeNull();
    expect(nextLink('')).toBeNull();
  });
});

describe('cursor', () => {
  const p = paging({ type: 'cursor', path: 'meta.next_cursor', param: 'cursor', has_more: 'meta.has_more' });

  it('sends back the cursor from the body, with nothing on the first request', () => {
    expect(firstValue(p)).toBeUndefined();
    expect(nextPage(p, answer({ meta: { next_cursor: 'c2', has_more: true } }), {}, undefined)).toEqual({
      value: 'c2',
    });
  });

  it('stops when the cursor is absent or empty, or has_more is false', () => {
    expect(nextPage(p, answer({ meta: { has_more: true } }), {}, 'c2')).toBeNull();
    expect(nextPage(p, answer({ meta: { next_cursor: '', has_more: true } }), {}, 'c2')).toBeNull();
    expect(nextPage(p, answer({ meta: { next_cursor: 'c3', has_more: false } }), {}, 'c2')).toBeNull();
  });
});

describe('page', () => {
  it('counts from start and stops on a short page when the size input is known', () => {
    const p = paging({ type: 'page', param: 'page', page_size: 'per_page' });
    expect(firstValue(p)).toBe(1);
    expect(nextPage(p, answer({}, ids(3)), { per_page: 3 }, 1)).toEqual({ value: 2 });
    expect(nextPage(p, answer({}, ids(3)), { per_page: 3 }, 2)).toEqual({ value: 3 });
    expect(nextPage(p, answer({}, ids(2)), { per_page: 3 }, 3)).toBeNull();
  });

  it('with a fixed size, a start of 0, and without a size (only an empty page ends it)', () => {
    expect(
      nextPage(paging({ type: 'page', param: 'p', page_size: 2 }), answer({}, ids(1)), {}, 1),
    ).toBeNull();
    const zero = paging({ type: 'page', param: 'p', start: 0 });
    expect(firstValue(zero)).toBe(0);
    expect(nextPage(zero, answer({}, ids(1)), {}, 0)).toEqual({ value: 1 });
    expect(nextPage(zero, answer({}, []), {}, 1)).toBeNull();
    expect(nextPage(zero, answer({}, { not: 'a list' }), {}, 1)).toBeNull();
  });

  it('stops when has_more is false even on a full page', () => {
    const p = paging({ type: 'page', param: 'page', page_size: 2, has_more: 'more' });
    expect(nextPage(p, answer({ more: false }, ids(2)), {}, 1)).toBeNull();
    expect(nextPage(p, answer({ more: true }, ids(2)), {}, 1)).toEqual({ value: 2 });
  });
});

describe('offset', () => {
  it('adds the number of items received', () => {
    const p = paging({ type: 'offset', param: 'offset', page_size: 'limit' });
    expect(firstValue(p)).toBe(0);
    expect(nextPage(p, answer({}, ids(4)), { limit: 4 }, 0)).toEqual({ value: 4 });
    expect(nextPage(p, answer({}, ids(4)), { limit: 4 }, 4)).toEqual({ value: 8 });
    expect(nextPage(p, answer({}, ids(1)), { limit: 4 }, 8)).toBeNull();
  });

  it('without a known size goes on until an empty page', () => {
    const p = paging({ type: 'offset', param: 'start', page_size: 'limit' });
    expect(nextPage(p, answer({}, ids(2)), {}, 10)).toEqual({ value: 12 });
    expect(nextPage(p, answer({}, []), {}, 12)).toBeNull();
  });
});

describe('last_item', () => {
  const p = paging({ type: 'last_item', item_path: 'id', param: 'starting_after', has_more: 'has_more' });

  it('takes the value at item_path of the last item', () => {
    expect(nextPage(p, answer({ has_more: true }, ids(3)), {}, undefined)).toEqual({ value: 'it_3' });
  });

  it('stops on has_more false, an empty page, or a last item without the value', () => {
    expect(nextPage(p, answer({ has_more: false }, ids(3)), {}, 'it_0')).toBeNull();
    expect(nextPage(p, answer({ has_more: true }, []), {}, 'it_0')).toBeNull();
    expect(nextPage(p, answer({ has_more: true }, [{ name: 'x' }]), {}, 'it_0')).toBeNull();
  });
});

describe('bodies', () => {
  it('setBodyKey makes the nested objects on the way', () => {
    expect(setBodyKey({ query: 'q', variables: { first: 2 } }, 'variables.after', 'c2')).toEqual({
      query: 'q',
      variables: { first: 2, after: 'c2' },
    });
    expect(setBodyKey(undefined, 'page.cursor', 3)).toEqual({ page: { cursor: 3 } });
  });

  it('formEncode writes nested objects and lists with brackets', () => {
    const text = formEncode({
      amount: 2000,
      capture: false,
      metadata: { order_id: 'A 1&2' },
      expand: ['customer', 'invoice'],
      items: [{ price: 'p_1', quantity: 1 }],
      skipped: null,
    });
    expect(decodeURIComponent(text.replaceAll('+', ' '))).toBe(
      'amount=2000&capture=false&metadata[order_id]=A 1&2&expand[0]=customer&expand[1]=invoice&items[0][price]=p_1&items[0][quantity]=1',
    );
    expect(new URLSearchParams(text).get('metadata[order_id]')).toBe('A 1&2');
  });
});

describe('sealed cursors', () => {
  const vault = createVault(parseKeyRing(generateKeySpec('k1')));
  const byValue = paging({ type: 'cursor', path: 'next', param: 'cursor' });
  const byUrl = paging({ type: 'link_header' });

  it('round-trip the input and value, or the URL', () => {
    const c = sealCursor(vault, 'acme_list', 'acc_1', { value: 'c2' }, { q: 'x', limit: 5 });
    expect(openCursor(vault, c, byValue, 'acme_list', 'acc_1')).toEqual({
      input: { q: 'x', limit: 5 },
      value: 'c2',
    });
    const u = sealCursor(vault, 'acme_list', 'acc_1', { url: 'https://h.test/2' }, {});
    expect(openCursor(vault, u, byUrl, 'acme_list', 'acc_1')).toEqual({ url: 'https://h.test/2' });
  });

  it('are refused for another action, another account, another paging form, or when tampered', () => {
    const c = sealCursor(vault, 'acme_list', 'acc_1', { value: 'c2' }, {});
    expect(openCursor(vault, c, byValue, 'acme_other', 'acc_1')).toBeNull();
    expect(openCursor(vault, c, byValue, 'acme_list', 'acc_2')).toBeNull();
    expect(openCursor(vault, c, byUrl, 'acme_list', 'acc_1')).toBeNull();
    const tampered = `${c.slice(0, -4)}${c.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect(openCursor(vault, tampered, byValue, 'acme_list', 'acc_1')).toBeNull();
    expect(openCursor(vault, 'not a cursor', byValue, 'acme_list', 'acc_1')).toBeNull();
  });
});
