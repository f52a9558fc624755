/** Request logs: calls through the proxy, actions and MCP, with filters, cursor pages and detail. */
import { h, put } from '../dom.js';
import { ApiError, get, withQuery, type LogStep, type RequestLog } from '../api.js';
import { setQuery } from '../router.js';
import { connectors } from '../store.js';
import type { View } from '../view.js';
import { backLink, badge, card, dataTable, debounce, emptyState, errorBlock, loadingBlock, mono, pageHeader, pager, pretty, props, spinner, time, button } from '../ui.js';
import { field, select, textInput } from '../forms.js';

const PAGE_SIZE = 25;

export function logStatus(l: Pick<RequestLog, 'status' | 'success'>): HTMLElement {
  return badge(l.status != null ? String(l.status) : '—', l.success ? 'ok' : 'bad');
}

/** `datetime-local` values are local time; the API wants ISO instants. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function unavailable(): HTMLElement {
  return emptyState({ icon: 'list', title: 'Request logs are not available', text: 'This server does not record request logs yet.', testid: 'logs-unavailable' });
}

export async function logsPage(v: View): Promise<void> {
  const q = v.route.query;
  const state = { provider: q.get('provider') ?? '', account: q.get('account') ?? '', result: q.get('result') ?? '', status: q.get('status') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '' };
  const all = await connectors();
  if (!v.alive()) return;

  const provider = field('Provider', select([['', 'All providers'], ...all.map((c): [string, string] => [c.provider, c.name])], state.provider, { 'data-testid': 'log-provider' }));
  const account = field('Account ID', textInput({ value: state.account, 'data-testid': 'log-account' }));
  const result = field('Result', select([['', 'All'], ['true', 'Succeeded'], ['false', 'Failed']], state.result, { 'data-testid': 'log-result' }));
  const status = field('Status code', textInput({ value: state.status, inputmode: 'numeric', maxlength: 3, placeholder: 'e.g. 404', 'data-testid': 'log-status' }));
  const from = field('From', h('input', { type: 'datetime-local', value: state.from, 'data-testid': 'log-from' }));
  const to = field('To', h('input', { type: 'datetime-local', value: state.to, 'data-testid': 'log-to' }));
  const busy = h('span', { class: 'filter-busy', hidden: true }, spinner(), h('span', { class: 'sr-only' }, 'Loading'));
  const results = h('div');
  put(v.main, 
    pageHeader('Request logs', 'Every call your backend makes through the proxy, actions and MCP, with the provider requests behind it.', [
      button('Refresh', { icon: 'refresh', testid: 'refresh-logs', onClick: () => void load(cursors[cursors.length - 1]) }),
    ]),
    h('div', { class: 'filters', role: 'search', 'aria-label': 'Filter request logs' }, provider.row, account.row, result.row, status.row, from.row, to.row, h('div', { class: 'filter-end' }, busy)),
    results,
  );

  // Cursor pages: the stack holds the cursor of every page shown so far ('' = first page).
  let cursors: string[] = [''];
  let loadId = 0;
  const filtered = () => Object.values(state).some(Boolean);

  async function load(cursor = ''): Promise<void> {
    const id = ++loadId;
    setQuery({ ...state });
    busy.hidden = false;
    if (!results.querySelector('table')) results.replaceChildren(loadingBlock('Loading requests…'));
    let res: { data: RequestLog[]; next?: string | null };
    try {
      res = await get(
        withQuery('/requests/logs', {
          providers: state.provider,
          account_ids: state.account,
          success: state.result,
          status_codes: /^\d{3}$/.test(state.status) ? state.status : undefined,
          start_date: toIso(state.from),
          end_date: toIso(state.to),
          page_size: PAGE_SIZE,
          next: cursor || undefined,
        }),
      );
    } catch (e) {
      if (id === loadId && v.alive()) results.replaceChildren(e instanceof ApiError && e.status === 404 ? unavailable() : errorBlock(e, () => void load(cursor)));
      return;
    } finally {
      if (id === loadId) busy.hidden = true;
    }
    if (id !== loadId || !v.alive()) return;
    if (!res.data.length && cursors.length === 1) {
      results.replaceChildren(
        filtered()
          ? emptyState({ icon: 'search', title: 'No requests match', text: 'Widen the date range or clear a filter.', testid: 'logs-no-match' })
          : emptyState({
              icon: 'list',
              title: 'No requests yet',
              text: 'Calls your backend makes on linked accounts (POST /unified/proxy, POST /actions/rpc, MCP tools) appear here with their status, duration and provider requests.',
              testid: 'logs-empty',
            }),
      );
      return;
    }
    const page = cursors.length;
    const start = (page - 1) * PAGE_SIZE + 1;
    results.replaceChildren(
      logsTable(res.data),
      pager({
        summary: `Requests ${start}–${start + res.data.length - 1}`,
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
  }

  const restart = () => {
    cursors = [''];
    void load();
  };
  const read = () => {
    Object.assign(state, {
      provider: provider.control.value,
      account: account.control.value.trim(),
      result: result.control.value,
      status: status.control.value.trim(),
      from: from.control.value,
      to: to.control.value,
    });
    restart();
  };
  const typed = debounce(read, 300);
  for (const f of [provider, result, from, to]) f.control.addEventListener('change', read);
  for (const f of [account, status]) f.control.addEventListener('input', typed);
  await load();
}

function logsTable(rows: RequestLog[]): HTMLElement {
  return dataTable(
    'Request logs',
    [{ label: 'Time' }, { label: 'Request' }, { label: 'Provider' }, { label: 'Account' }, { label: 'Status' }, { label: 'Duration' }],
    rows.map((l) => [
      time(l.start_time ?? l.event_datetime),
      h(
        'div',
        { class: 'stack' },
        h('a', { href: `/dashboard/logs/${encodeURIComponent(l.id)}`, class: 'row-link', 'data-testid': `log-link-${l.id}` }, `${l.http_method ?? ''} ${l.path ?? ''}`.trim() || l.id),
        h('span', { class: 'muted small' }, [l.service, l.action].filter(Boolean).join(' · ')),
      ),
      l.provider ?? '—',
      l.account_id ? h('a', { href: `/dashboard/accounts/${encodeURIComponent(l.account_id)}`, class: 'mono-link' }, l.account_id) : '—',
      logStatus(l),
      l.duration != null ? `${l.duration} ms` : '—',
    ]),
    'logs-table',
  );
}

export async function logPage(v: View, id: string): Promise<void> {
  let l: RequestLog;
  try {
    l = (await get<{ data: RequestLog }>(`/requests/logs/${encodeURIComponent(id)}`)).data;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    put(v.main, pageHeader('Request not found', 'It may be older than the retention period.', [], backLink('Request logs', '/dashboard/logs')));
    return;
  }
  if (!v.alive()) return;
  const steps = l.step_requests ?? [];
  put(v.main, 
    pageHeader(`${l.http_method ?? ''} ${l.path ?? ''}`.trim() || 'Request', h('span', { class: 'title-meta' }, logStatus(l), mono(l.id)), [], backLink('Request logs', '/dashboard/logs')),
    card(
      'Summary',
      props(
        [
          ['Time', time(l.start_time ?? l.event_datetime)],
          ['Duration', l.duration != null ? `${l.duration} ms` : '—'],
          ['Service', l.service ?? '—'],
          ['Action', l.action ?? '—'],
          ['Provider', l.provider ?? '—'],
          ['Account', l.account_id ? h('a', { href: `/dashboard/accounts/${encodeURIComponent(l.account_id)}` }, mono(l.account_id)) : '—'],
          ['URL', l.url ? h('span', { class: 'mono break' }, l.url) : '—'],
          ['Request ID', l.request_id ? mono(l.request_id) : '—'],
          ['Source', [l.source_type, l.source_ip].filter(Boolean).join(' · ') || '—'],
        ],
        'log-summary',
      ),
    ),
    card(
      `Provider requests (${steps.length})`,
      steps.length ? h('ol', { class: 'step-list', 'data-testid': 'log-steps' }, ...steps.map(stepItem)) : h('p', { class: 'muted' }, 'No request reached the provider.'),
    ),
    h('div', { class: 'grid-2' }, card('Request', h('pre', { class: 'code-block', tabindex: '0' }, pretty(l.request ?? {}))), card('Response', h('pre', { class: 'code-block', tabindex: '0' }, pretty(l.response ?? {})))),
  );
}

function stepItem(s: LogStep): HTMLElement {
  return h(
    'li',
    null,
    h(
      'details',
      null,
      h('summary', null, logStatus({ status: s.status ?? null, success: s.success ?? null }), ' ', mono(`${s.http_method ?? ''} ${s.url ?? s.path ?? ''}`), s.duration != null ? h('span', { class: 'muted small' }, ` ${s.duration} ms`) : null),
      h('div', { class: 'grid-2' }, h('pre', { class: 'code-block', tabindex: '0' }, pretty(s.request ?? {})), h('pre', { class: 'code-block', tabindex: '0' }, pretty(s.response ?? {}))),
    ),
  );
}

