/**
 * The list both log pages are built on (Request logs, API activity): filters kept in the URL
 * query, a spinner while a page loads, cursor pages, and the empty, no-match, error and
 * not-recorded states.
 */
import { h } from '../dom.js';
import { ApiError, get, withQuery } from '../api.js';
import { setQuery } from '../router.js';
import type { View } from '../view.js';
import { resource } from '../resource.js';
import type { FieldHandle } from '../forms.js';
import { debounce, errorBlock, loadingBlock, pager, spinner } from '../ui.js';

const PAGE_SIZE = 25;

export interface LogListOptions<T, K extends string> {
  /** Names the filter bar for screen readers. */
  label: string;
  /** Keyed by the URL query key each filter's value is kept under, in the order they are shown. */
  filters: Record<K, FieldHandle>;
  path: string;
  /** The endpoint's query for the filters' values; the page size and cursor are added. */
  query(values: Record<K, string>): Record<string, string | undefined>;
  table(rows: T[]): HTMLElement;
  /** Names the rows in the pager's summary: "Requests 1–25". */
  noun: string;
  loading: string;
  empty(): HTMLElement;
  noMatch(): HTMLElement;
  /** The endpoint answered 404: this server does not record these logs. */
  unavailable(): HTMLElement;
}

export interface LogList {
  filters: HTMLElement;
  results: HTMLElement;
  /** Loads the page on screen again (the Refresh button). */
  refresh(): void;
  /** Loads the first page; call once the page is on screen. */
  load(): Promise<void>;
}

export function logList<T, K extends string>(v: View, o: LogListOptions<T, K>): LogList {
  const fields = Object.entries(o.filters) as Array<[K, FieldHandle]>;
  const read = () =>
    Object.fromEntries(fields.map(([k, f]) => [k, f.control.value.trim()])) as Record<K, string>;
  let values = read();
  const busy = h(
    'span',
    { class: 'filter-busy', hidden: true },
    spinner(),
    h('span', { class: 'sr-only' }, 'Loading'),
  );
  const results = h('div');
  const filters = h(
    'div',
    { class: 'filters', role: 'search', 'aria-label': o.label },
    ...fields.map(([, f]) => f.row),
    h('div', { class: 'filter-end' }, busy),
  );

  // Cursor pages: the stack holds the cursor of every page shown so far ('' = first page).
  let cursors: string[] = [''];
  const filtered = () => Object.values<string>(values).some(Boolean);

  const load = resource<{ data: T[]; next?: string | null }, [cursor?: string]>({
    signal: v.signal,
    pending: () => {
      setQuery(values);
      busy.hidden = false;
      if (!results.querySelector('table')) results.replaceChildren(loadingBlock(o.loading));
    },
    load: (signal, cursor = '') =>
      get(withQuery(o.path, { ...o.query(values), page_size: PAGE_SIZE, next: cursor || undefined }), signal),
    settled: () => {
      busy.hidden = true;
    },
    error: (e, retry) =>
      results.replaceChildren(
        e instanceof ApiError && e.status === 404 ? o.unavailable() : errorBlock(e, retry),
      ),
    render: (res) => {
      if (!res.data.length && cursors.length === 1) {
        results.replaceChildren(filtered() ? o.noMatch() : o.empty());
        return;
      }
      const page = cursors.length;
      const start = (page - 1) * PAGE_SIZE + 1;
      results.replaceChildren(
        o.table(res.data),
        pager({
          summary: `${o.noun} ${start}–${start + res.data.length - 1}`,
          prev:
            page > 1
              ? () => {
                  cursors.pop();
                  void load(cursors[cursors.length - 1]);
                }
              : null,
          next: res.next
            ? () => {
                cursors.push(res.next!);
                void load(res.next!);
              }
            : null,
        }),
      );
    },
  });

  const restart = () => {
    values = read();
    cursors = [''];
    void load();
  };
  // Typed values apply after a pause in typing; choices and dates at once.
  const typed = debounce(restart, 300);
  for (const [, f] of fields) {
    if (f.control instanceof HTMLInputElement && f.control.type === 'text')
      f.control.addEventListener('input', typed);
    else f.control.addEventListener('change', restart);
  }
  return { filters, results, refresh: () => void load(cursors[cursors.length - 1]), load: () => load() };
}
