/** Request logs: calls through the proxy, actions and MCP, with filters, cursor pages and detail. */
import { h, put } from '../dom.js';
import { ApiError, get, type LogStep, type RequestLog } from '../api.js';
import { connectors } from '../store.js';
import type { View } from '../view.js';
import {
  alertBox,
  backLink,
  badge,
  card,
  dataTable,
  emptyState,
  mono,
  pageHeader,
  pretty,
  props,
  time,
  button,
} from '../ui.js';
import { field, select, textInput, toIso } from '../forms.js';
import { logList } from './log-list.js';

export function logStatus(l: { status: number | null; success: boolean | null }): HTMLElement {
  return badge(l.status != null ? String(l.status) : '—', l.success ? 'ok' : 'bad');
}

function unavailable(): HTMLElement {
  return emptyState({
    icon: 'list',
    title: 'Request logs are not available',
    text: 'This server does not record request logs yet.',
    testid: 'logs-unavailable',
  });
}

/** The server runs with SWITCHBOARD_REQUEST_LOGS=off: say so above the list, which still shows older calls. */
function recordingOff(): HTMLElement {
  const box = alertBox(
    'info',
    'Recording is turned off on this server',
    'It runs with SWITCHBOARD_REQUEST_LOGS=off: new calls are not recorded. Calls recorded before stay here until their retention ends.',
  );
  box.setAttribute('data-testid', 'logs-recording-off');
  return box;
}

export async function logsPage(v: View): Promise<void> {
  const q = v.route.query;
  const all = await connectors(v.signal);

  const list = logList(v, {
    label: 'Filter request logs',
    filters: {
      provider: field(
        'Provider',
        select(
          [['', 'All providers'], ...all.map((c): [string, string] => [c.provider, c.name])],
          q.get('provider') ?? '',
          { 'data-testid': 'log-provider' },
        ),
      ),
      account: field(
        'Account ID',
        textInput({ value: q.get('account') ?? '', 'data-testid': 'log-account' }),
      ),
      result: field(
        'Result',
        select(
          [
            ['', 'All'],
            ['true', 'Succeeded'],
            ['false', 'Failed'],
          ],
          q.get('result') ?? '',
          { 'data-testid': 'log-result' },
        ),
      ),
      status: field(
        'Status code',
        textInput({
          value: q.get('status') ?? '',
          inputmode: 'numeric',
          maxlength: 3,
          placeholder: 'e.g. 404',
          'data-testid': 'log-status',
        }),
      ),
      from: field(
        'From',
        h('input', { type: 'datetime-local', value: q.get('from') ?? '', 'data-testid': 'log-from' }),
      ),
      to: field(
        'To',
        h('input', { type: 'datetime-local', value: q.get('to') ?? '', 'data-testid': 'log-to' }),
      ),
    },
    path: '/requests/logs',
    query: (f) => ({
      providers: f.provider,
      account_ids: f.account,
      success: f.result,
      status_codes: /^\d{3}$/.test(f.status) ? f.status : undefined,
      start_date: toIso(f.from),
      end_date: toIso(f.to),
    }),
    table: logsTable,
    noun: 'Requests',
    loading: 'Loading requests…',
    empty: () =>
      emptyState({
        icon: 'list',
        title: 'No requests yet',
        text: 'Calls your backend makes on linked accounts (POST /unified/proxy, POST /actions/rpc, MCP tools) appear here with their status, duration and provider requests.',
        testid: 'logs-empty',
      }),
    noMatch: () =>
      emptyState({
        icon: 'search',
        title: 'No requests match',
        text: 'Widen the date range or clear a filter.',
        testid: 'logs-no-match',
      }),
    unavailable,
  });
  put(
    v.main,
    pageHeader(
      'Request logs',
      'Every call your backend makes through the proxy, actions and MCP, with the provider requests behind it.',
      [button('Refresh', { icon: 'refresh', testid: 'refresh-logs', onClick: list.refresh })],
    ),
    v.session.request_logs ? null : recordingOff(),
    list.filters,
    list.results,
  );
  await list.load();
}

function logsTable(rows: RequestLog[]): HTMLElement {
  return dataTable(
    'Request logs',
    [
      { label: 'Time' },
      { label: 'Request' },
      { label: 'Provider' },
      { label: 'Account' },
      { label: 'Status' },
      { label: 'Duration' },
    ],
    rows.map((l) => [
      time(l.start_time ?? l.event_datetime),
      h(
        'div',
        { class: 'stack' },
        h(
          'a',
          {
            href: `/dashboard/logs/${encodeURIComponent(l.id)}`,
            class: 'row-link',
            'data-testid': `log-link-${l.id}`,
          },
          `${l.http_method ?? ''} ${l.path ?? ''}`.trim() || l.id,
        ),
        h('span', { class: 'muted small' }, [l.service, l.action].filter(Boolean).join(' · ')),
      ),
      l.provider ?? '—',
      l.account_id
        ? h(
            'a',
            { href: `/dashboard/accounts/${encodeURIComponent(l.account_id)}`, class: 'mono-link' },
            l.account_id,
          )
        : '—',
      logStatus(l),
      l.duration != null ? `${l.duration} ms` : '—',
    ]),
    'logs-table',
  );
}

export async function logPage(v: View, id: string): Promise<void> {
  let l: RequestLog;
  try {
    l = (await get<{ data: RequestLog }>(`/requests/logs/${encodeURIComponent(id)}`, v.signal)).data;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    put(
      v.main,
      pageHeader(
        'Request not found',
        'It may be older than the retention period.',
        [],
        backLink('Request logs', '/dashboard/logs'),
      ),
    );
    return;
  }
  const steps = l.step_requests ?? [];
  put(
    v.main,
    pageHeader(
      `${l.http_method ?? ''} ${l.path ?? ''}`.trim() || 'Request',
      h('span', { class: 'title-meta' }, logStatus(l), mono(l.id)),
      [],
      backLink('Request logs', '/dashboard/logs'),
    ),
    card(
      'Summary',
      props(
        [
          ['Time', time(l.start_time ?? l.event_datetime)],
          ['Duration', l.duration != null ? `${l.duration} ms` : '—'],
          ['Service', l.service ?? '—'],
          ['Action', l.action ?? '—'],
          ['Provider', l.provider ?? '—'],
          [
            'Account',
            l.account_id
              ? h(
                  'a',
                  { href: `/dashboard/accounts/${encodeURIComponent(l.account_id)}` },
                  mono(l.account_id),
                )
              : '—',
          ],
          ['URL', l.url ? h('span', { class: 'mono break' }, l.url) : '—'],
          ['Request ID', l.request_id ? mono(l.request_id) : '—'],
          ['Source', [l.source_type, l.source_ip].filter(Boolean).join(' · ') || '—'],
        ],
        'log-summary',
      ),
    ),
    card(
      `Provider requests (${steps.length})`,
      steps.length
        ? h('ol', { class: 'step-list', 'data-testid': 'log-steps' }, ...steps.map(stepItem))
        : h('p', { class: 'muted' }, 'No request reached the provider.'),
    ),
    h(
      'div',
      { class: 'grid-2' },
      card('Request', h('pre', { class: 'code-block', tabindex: '0' }, pretty(l.request ?? {}))),
      card('Response', h('pre', { class: 'code-block', tabindex: '0' }, pretty(l.response ?? {}))),
    ),
  );
}

function stepItem(s: LogStep): HTMLElement {
  return h(
    'li',
    null,
    h(
      'details',
      null,
      h(
        'summary',
        null,
        logStatus({ status: s.status ?? null, success: s.success ?? null }),
        ' ',
        mono(`${s.http_method ?? ''} ${s.url ?? s.path ?? ''}`),
        s.duration != null ? h('span', { class: 'muted small' }, ` ${s.duration} ms`) : null,
      ),
      h(
        'div',
        { class: 'grid-2' },
        h('pre', { class: 'code-block', tabindex: '0' }, pretty(s.request ?? {})),
        h('pre', { class: 'code-block', tabindex: '0' }, pretty(s.response ?? {})),
      ),
    ),
  );
}
