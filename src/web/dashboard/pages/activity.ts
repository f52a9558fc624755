/** API activity: the project's calls to the platform API, made with an API key or in this dashboard. */
import { h, put } from '../dom.js';
import type { PlatformLog } from '../api.js';
import type { View } from '../view.js';
import { badge, button, dataTable, emptyState, pageHeader, time } from '../ui.js';
import { field, select, textInput, toIso } from '../forms.js';
import { logList } from './log-list.js';
import { logStatus } from './logs.js';

/** The categories the server names platform calls by (docs/api.md, "Platform logs"). */
const CATEGORIES = new Map([
  ['connect_sessions', 'Connect sessions'],
  ['accounts', 'Accounts'],
  ['connectors', 'Connectors'],
  ['connector_profiles', 'Connector profiles'],
  ['webhooks', 'Webhooks'],
  ['actions', 'Actions'],
  ['request_logs', 'Logs'],
]);

const SOURCES = new Map([
  ['api', 'API key'],
  ['dashboard', 'Dashboard'],
]);

/**
 * The Source filter. By default the dashboard's own calls are hidden: every page view here adds
 * a few reads, and what the admin looks for is what their backend did.
 */
const SOURCE_CHOICES: Array<[string, string]> = [
  ['', 'API key'],
  ['dashboard', 'Dashboard'],
  ['all', 'All sources'],
];

/**
 * `create_connect_session` → "Create connect session". A route the server has no name for is
 * logged with its method and template as its action (`GET /things/:id`): shown as it is.
 */
const readable = (name: string): string =>
  /^[a-z_]+$/.test(name) ? name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ') : name;

/** Platform calls take about a millisecond: one decimal below 10 ms, whole milliseconds above. */
const duration = (ms: number): string => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

export async function activityPage(v: View): Promise<void> {
  const q = v.route.query;
  const list = logList(v, {
    label: 'Filter API activity',
    filters: {
      category: field(
        'Category',
        select([['', 'All categories'], ...CATEGORIES], q.get('category') ?? '', {
          'data-testid': 'activity-category',
        }),
      ),
      account: field(
        'Account ID',
        textInput({ value: q.get('account') ?? '', 'data-testid': 'activity-account' }),
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
          { 'data-testid': 'activity-result' },
        ),
      ),
      source: field(
        'Source',
        select(SOURCE_CHOICES, q.get('source') ?? '', { 'data-testid': 'activity-source' }),
      ),
      from: field(
        'From',
        h('input', { type: 'datetime-local', value: q.get('from') ?? '', 'data-testid': 'activity-from' }),
      ),
      to: field(
        'To',
        h('input', { type: 'datetime-local', value: q.get('to') ?? '', 'data-testid': 'activity-to' }),
      ),
    },
    path: '/requests/platform-logs',
    query: (f) => ({
      categories: f.category,
      account_ids: f.account,
      success: f.result,
      source_types: f.source === 'all' ? undefined : f.source || 'api',
      start_date: toIso(f.from),
      end_date: toIso(f.to),
    }),
    table: activityTable,
    noun: 'Calls',
    loading: 'Loading activity…',
    empty: () =>
      emptyState({
        icon: 'activity',
        title: 'No API activity yet',
        text: 'What your backend does with its API key (connect sessions, accounts, connector profiles, webhooks) appears here with its status, duration and source. Calls made in this dashboard are hidden: choose Source › All sources to see them too.',
        testid: 'activity-empty',
      }),
    noMatch: () =>
      emptyState({
        icon: 'search',
        title: 'No activity matches',
        text: 'Widen the date range or clear a filter.',
        testid: 'activity-no-match',
      }),
    unavailable: () =>
      emptyState({
        icon: 'activity',
        title: 'API activity is not available',
        text: 'This server does not record platform API calls yet.',
        testid: 'activity-unavailable',
      }),
  });
  put(
    v.main,
    pageHeader(
      'API activity',
      [
        'Every call to the platform API made with an API key; choose Source to see this dashboard’s own calls too. Calls on linked accounts are in ',
        h('a', { href: '/dashboard/logs' }, 'Request logs'),
        '.',
      ],
      [button('Refresh', { icon: 'refresh', testid: 'refresh-activity', onClick: list.refresh })],
    ),
    list.filters,
    list.results,
  );
  await list.load();
}

function activityTable(rows: PlatformLog[]): HTMLElement {
  return dataTable(
    'API activity',
    [
      { label: 'Time' },
      { label: 'Call' },
      { label: 'Account' },
      { label: 'Status' },
      { label: 'Duration' },
      { label: 'Source' },
    ],
    rows.map((l) => [
      time(l.event_datetime),
      h(
        'div',
        { class: 'stack' },
        h('span', null, readable(l.action)),
        h(
          'span',
          { class: 'muted small break' },
          `${CATEGORIES.get(l.category) ?? readable(l.category)} · ${l.http_method} ${l.path}`,
        ),
      ),
      l.account_id
        ? h(
            'a',
            { href: `/dashboard/accounts/${encodeURIComponent(l.account_id)}`, class: 'mono-link' },
            l.account_id,
          )
        : '—',
      logStatus(l),
      duration(l.duration),
      badge(SOURCES.get(l.source_type) ?? l.source_type, l.source_type === 'dashboard' ? 'info' : 'neutral'),
    ]),
    'activity-table',
  );
}
