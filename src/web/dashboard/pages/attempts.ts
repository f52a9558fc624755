/**
 * Link attempts: what end users tried and why it failed — a token the provider refused, a
 * provider that did not answer, consent denied, an OAuth client the provider does not know, a
 * popup closed. Failures are shown by default; numbered pages, filters kept in the URL.
 */
import { h, put } from '../dom.js';
import { get, withQuery, type ConnectionAttempt, type ConnectorInfo } from '../api.js';
import { setQuery } from '../router.js';
import { connectors } from '../store.js';
import type { View } from '../view.js';
import { resource } from '../resource.js';
import {
  badge,
  button,
  dataTable,
  debounce,
  emptyState,
  errorBlock,
  loadingBlock,
  logo,
  pageHeader,
  pager,
  spinner,
  time,
  type Tone,
} from '../ui.js';
import { field, select, textInput } from '../forms.js';

const PAGE_SIZE = 25;

/** The server's closed set of reasons (docs/api.md, "Connection attempts"), in the admin's words. */
export const REASONS: Record<string, string> = {
  credentials_rejected: 'Credentials rejected',
  provider_unreachable: 'Provider unreachable',
  consent_denied: 'Consent denied',
  invalid_client: 'Invalid OAuth client',
  token_exchange_failed: 'Token exchange failed',
  provider_error: 'Provider error',
  invalid_fields: 'Invalid fields',
  misconfigured: 'Profile misconfigured',
  interrupted: 'Interrupted',
  cancelled: 'Window closed',
  expired: 'Not finished in time',
};

/** The status filter's choices; "failed" (the default) is everything that ended without an account. */
const STATUSES: Array<[string, string]> = [
  ['failed', 'Failed or abandoned'],
  ['error', 'Errors only'],
  ['cancelled', 'Window closed'],
  ['authenticated', 'Linked'],
  ['pending', 'In progress'],
  ['all', 'All attempts'],
];
const statusQuery = (s: string): string | undefined =>
  s === 'failed' ? 'error,cancelled,expired' : s === 'all' ? undefined : s;

/** The time range choices, in hours ('' = any time). */
const RANGES: Array<[string, string]> = [
  ['24', 'Last 24 hours'],
  ['168', 'Last 7 days'],
  ['', 'Any time'],
];

const STATUS_LABEL: Record<ConnectionAttempt['status'], [string, Tone]> = {
  error: ['Failed', 'bad'],
  cancelled: ['Window closed', 'warn'],
  expired: ['Expired', 'warn'],
  authenticated: ['Linked', 'ok'],
  pending: ['In progress', 'info'],
};

export async function attemptsPage(v: View): Promise<void> {
  const q = v.route.query;
  const state = {
    status: q.get('status') ?? 'failed',
    provider: q.get('provider') ?? '',
    owner: q.get('owner') ?? '',
    hours: q.get('hours') ?? '168',
    page: Math.max(1, Number(q.get('page')) || 1),
  };
  const all = await connectors(v.signal);
  const byKey = new Map(all.map((c) => [c.provider, c]));

  const results = h('div', { class: 'results' });
  const busy = h(
    'span',
    { class: 'filter-busy', hidden: true },
    spinner(),
    h('span', { class: 'sr-only' }, 'Loading'),
  );
  const status = field('Status', select(STATUSES, state.status, { 'data-testid': 'attempts-status' }));
  const provider = field(
    'Connector',
    select(
      [['', 'All connectors'], ...all.map((c): [string, string] => [c.provider, c.name])],
      state.provider,
      { 'data-testid': 'attempts-provider' },
    ),
  );
  const owner = field('Origin owner ID', textInput({ value: state.owner, 'data-testid': 'attempts-owner' }));
  const range = field('When', select(RANGES, state.hours, { 'data-testid': 'attempts-range' }));

  put(
    v.main,
    pageHeader(
      'Link attempts',
      'Your end users’ attempts to link an account, and why the failed ones failed.',
      [button('Refresh', { icon: 'refresh', testid: 'refresh-attempts', onClick: () => void load() })],
    ),
    h(
      'div',
      { class: 'filters', role: 'search', 'aria-label': 'Filter link attempts' },
      status.row,
      provider.row,
      owner.row,
      range.row,
      h('div', { class: 'filter-end' }, busy),
    ),
    results,
  );

  const load = resource({
    signal: v.signal,
    pending: () => {
      setQuery({
        status: state.status === 'failed' ? undefined : state.status,
        provider: state.provider,
        owner: state.owner,
        hours: state.hours === '168' ? undefined : state.hours || 'any',
        page: state.page > 1 ? state.page : undefined,
      });
      busy.hidden = false;
      if (!results.querySelector('table')) results.replaceChildren(loadingBlock('Loading link attempts…'));
    },
    load: (signal) => {
      const hours = Number(state.hours);
      const filters = {
        status: statusQuery(state.status),
        provider: state.provider,
        origin_owner_id: state.owner,
        start_date: hours ? new Date(Date.now() - hours * 3_600_000).toISOString() : undefined,
      };
      return Promise.all([
        get<ConnectionAttempt[]>(
          withQuery('/connection_attempts', { ...filters, page: state.page, page_size: PAGE_SIZE }),
          signal,
        ),
        get<{ count: number }>(withQuery('/connection_attempts/count', filters), signal),
      ]);
    },
    settled: () => {
      busy.hidden = true;
    },
    error: (e, retry) => results.replaceChildren(errorBlock(e, retry)),
    render: ([rows, { count: total }]: [ConnectionAttempt[], { count: number }]) => {
      if (!rows.length) {
        results.replaceChildren(
          emptyState({
            icon: 'check',
            title: state.status === 'failed' ? 'No failed link attempts' : 'No link attempts match',
            text:
              state.status === 'failed'
                ? 'When an end user’s link fails or is abandoned, it shows here with the reason.'
                : 'Widen the time range or choose another status.',
            testid: 'attempts-empty',
          }),
        );
        return;
      }
      const from = (state.page - 1) * PAGE_SIZE + 1;
      const pages = Math.ceil(total / PAGE_SIZE);
      results.replaceChildren(
        attemptsTable(rows, byKey),
        pager({
          summary: `${from}–${from + rows.length - 1} of ${total} attempt${total === 1 ? '' : 's'}`,
          prev: state.page > 1 ? () => go(state.page - 1) : null,
          next: state.page < pages ? () => go(state.page + 1) : null,
        }),
      );
    },
  });
  const go = (page: number) => {
    state.page = page;
    void load();
  };
  const choose = (
    key: 'status' | 'provider' | 'hours',
    control: HTMLSelectElement | HTMLInputElement | HTMLTextAreaElement,
  ) =>
    control.addEventListener('change', () => {
      state[key] = control.value;
      go(1);
    });
  choose('status', status.control);
  choose('provider', provider.control);
  choose('hours', range.control);
  owner.control.addEventListener(
    'input',
    debounce(() => {
      state.owner = owner.control.value.trim();
      go(1);
    }, 300),
  );
  await load();
}

function attemptsTable(rows: ConnectionAttempt[], byKey: Map<string, ConnectorInfo>): HTMLElement {
  return dataTable(
    'Link attempts',
    [
      { label: 'When' },
      { label: 'Connector' },
      { label: 'Origin owner' },
      { label: 'Result' },
      { label: 'What happened' },
    ],
    rows.map((a) => {
      const c = a.provider ? byKey.get(a.provider) : undefined;
      const [label, tone] = STATUS_LABEL[a.status];
      return [
        time(a.created_at),
        h(
          'div',
          { class: 'stack' },
          h(
            'span',
            { class: 'provider-cell' },
            logo(c?.logo_url, c?.name ?? 'Unknown'),
            c?.name ?? 'Not chosen yet',
          ),
          h(
            'span',
            { class: 'muted small break' },
            [a.integration_label, a.method === 'api_token' ? 'API token' : 'OAuth']
              .filter(Boolean)
              .join(' · '),
          ),
        ),
        h(
          'div',
          { class: 'stack' },
          h('span', { class: 'break' }, a.origin_owner_name),
          h(
            'span',
            { class: 'muted small break' },
            a.origin_owner_id,
            a.origin_username ? ` · ${a.origin_username}` : '',
          ),
        ),
        h(
          'div',
          { class: 'stack', 'data-testid': `attempt-${a.id}` },
          badge(label, tone),
          // A closed or expired popup's badge already says why.
          a.status === 'error' && a.error
            ? h(
                'span',
                { class: 'small', 'data-testid': 'attempt-reason' },
                REASONS[a.error.code] ?? a.error.code,
              )
            : null,
        ),
        a.error
          ? h(
              'div',
              { class: 'stack' },
              h('span', { class: 'break' }, a.error.description),
              a.error.provider_code ? h('code', { class: 'muted small break' }, a.error.provider_code) : null,
            )
          : a.account_id
            ? h(
                'a',
                { href: `/dashboard/accounts/${encodeURIComponent(a.account_id)}`, class: 'mono-link' },
                a.account_id,
              )
            : '—',
      ];
    }),
    'attempts-table',
  );
}
