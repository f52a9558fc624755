/** Accounts: the linked accounts table with filters, search and pages; Auth Link and Link account. */
import { h, icon, put } from '../dom.js';
import { get, withQuery, type Account, type AccountPage, type ConnectorInfo } from '../api.js';
import { setQuery } from '../router.js';
import { connectors, profiles } from '../store.js';
import type { View } from '../view.js';
import { resource } from '../resource.js';
import {
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
  statusBadge,
  time,
  linkButton,
} from '../ui.js';
import { field, select, textInput } from '../forms.js';
import { authLinkDialog, linkNowDialog } from './links.js';

const PAGE_SIZE = 25;

export async function accountsPage(v: View): Promise<void> {
  const q = v.route.query;
  const state = {
    q: q.get('q') ?? '',
    provider: q.get('provider') ?? '',
    status: q.get('status') ?? '',
    owner: q.get('owner') ?? '',
    page: Math.max(1, Number(q.get('page')) || 1),
  };
  const [all, profs] = await Promise.all([connectors(v.signal), profiles(v.signal)]);
  const enabled = all.filter((c) => profs.some((p) => p.provider === c.provider && p.active));
  const byKey = new Map(all.map((c) => [c.provider, c]));

  const results = h('div', { class: 'results' });
  const failures = h('div', { class: 'failures', 'data-testid': 'link-failures-24h', 'aria-live': 'polite' });
  void showFailures(failures, v);
  const busy = h(
    'span',
    { class: 'filter-busy', hidden: true },
    spinner(),
    h('span', { class: 'sr-only' }, 'Loading'),
  );
  const search = field(
    'Search',
    textInput({
      type: 'search',
      value: state.q,
      maxlength: 200,
      placeholder: 'Owner, username or account ID',
      'data-testid': 'account-search',
    }),
  );
  const provider = field(
    'Provider',
    select(
      [['', 'All providers'], ...all.map((c): [string, string] => [c.provider, c.name])],
      state.provider,
      { 'data-testid': 'filter-provider' },
    ),
  );
  const status = field(
    'Status',
    select(
      [
        ['', 'All statuses'],
        ['active', 'Active'],
        ['inactive', 'Suspended / inactive'],
        ['error', 'Error'],
      ],
      state.status,
      { 'data-testid': 'filter-status' },
    ),
  );
  const owner = field(
    'Origin owner ID',
    textInput({ value: state.owner, maxlength: 255, 'data-testid': 'filter-owner' }),
  );
  const clear = button('Clear filters', {
    small: true,
    variant: 'ghost',
    testid: 'clear-filters',
    onClick: () => reset(),
  });

  put(
    v.main,
    pageHeader('Accounts', 'Your end users’ linked accounts, and links to create more.', [
      button('Link account', {
        icon: 'plus',
        testid: 'link-account',
        onClick: () => linkNowDialog(enabled, () => undefined),
      }),
      button('Create Auth Link', {
        variant: 'primary',
        icon: 'link',
        testid: 'create-auth-link',
        onClick: () => authLinkDialog(enabled, all),
      }),
    ]),
    failures,
    h(
      'div',
      { class: 'filters', role: 'search', 'aria-label': 'Filter accounts' },
      search.row,
      provider.row,
      status.row,
      owner.row,
      h('div', { class: 'filter-end' }, busy, clear),
    ),
    results,
  );

  const filtered = () => !!(state.q || state.provider || state.status || state.owner);
  const load = resource({
    signal: v.signal,
    pending: () => {
      setQuery({
        q: state.q,
        provider: state.provider,
        status: state.status,
        owner: state.owner,
        page: state.page > 1 ? state.page : undefined,
      });
      clear.hidden = !filtered();
      busy.hidden = false;
      results.setAttribute('aria-busy', 'true');
      if (!results.querySelector('table')) results.replaceChildren(loadingBlock('Loading accounts…'));
    },
    load: (signal) =>
      get<AccountPage>(
        withQuery('/dashboard/api/accounts', {
          q: state.q,
          provider: state.provider,
          status: state.status,
          origin_owner_id: state.owner,
          page: state.page,
          page_size: PAGE_SIZE,
        }),
        signal,
      ),
    settled: () => {
      busy.hidden = true;
      results.removeAttribute('aria-busy');
    },
    error: (e, retry) => results.replaceChildren(errorBlock(e, retry)),
    render: (res) => {
      if (res.total === 0) {
        results.replaceChildren(filtered() ? noMatch() : noAccounts(enabled, all));
        return;
      }
      const from = (res.page - 1) * res.page_size + 1;
      const to = from + res.data.length - 1;
      const pages = Math.ceil(res.total / res.page_size);
      results.replaceChildren(
        accountsTable(res.data, byKey),
        pager({
          summary: `${from}–${to} of ${res.total} account${res.total === 1 ? '' : 's'}`,
          prev: res.page > 1 ? () => go(res.page - 1) : null,
          next: res.page < pages ? () => go(res.page + 1) : null,
        }),
      );
    },
  });

  const go = (page: number) => {
    state.page = page;
    void load();
  };
  const reset = () => {
    Object.assign(state, { q: '', provider: '', status: '', owner: '', page: 1 });
    search.control.value = owner.control.value = provider.control.value = status.control.value = '';
    void load();
    search.control.focus();
  };
  const typed = debounce(() => {
    state.q = search.control.value.trim();
    state.owner = owner.control.value.trim();
    go(1);
  }, 300);
  search.control.addEventListener('input', typed);
  owner.control.addEventListener('input', typed);
  provider.control.addEventListener('change', () => {
    state.provider = provider.control.value;
    go(1);
  });
  status.control.addEventListener('change', () => {
    state.status = status.control.value;
    go(1);
  });
  // Back from the Hub tab (or another app): show accounts linked meanwhile.
  window.addEventListener('focus', () => void load(), { signal: v.signal });
  await load();
}

function accountsTable(rows: Account[], byKey: Map<string, ConnectorInfo>): HTMLElement {
  return dataTable(
    'Linked accounts',
    [
      { label: 'Provider' },
      { label: 'Origin owner' },
      { label: 'Status' },
      { label: 'Created' },
      { label: 'Updated' },
    ],
    rows.map((a) => [
      h(
        'span',
        { class: 'provider-cell' },
        logo(byKey.get(a.provider)?.logo_url, a.provider_name),
        a.provider_name,
      ),
      h(
        'div',
        { class: 'stack' },
        h(
          'a',
          {
            href: `/dashboard/accounts/${encodeURIComponent(a.id)}`,
            class: 'row-link',
            'data-testid': `account-link-${a.id}`,
          },
          a.origin_owner_name,
        ),
        h(
          'span',
          { class: 'muted small' },
          a.origin_owner_id,
          a.origin_username ? ` · ${a.origin_username}` : '',
        ),
      ),
      h(
        'div',
        { class: 'stack', 'data-testid': `account-row-${a.id}` },
        statusBadge(a),
        a.status_reasons[0]?.description
          ? h('span', { class: 'muted small reason' }, a.status_reasons[0].description)
          : null,
      ),
      time(a.created_at),
      time(a.updated_at),
    ]),
    'accounts-table',
  );
}

function noMatch(): HTMLElement {
  return emptyState({
    icon: 'search',
    title: 'No accounts match',
    text: 'Try another search, or clear the filters to see every account.',
    testid: 'accounts-no-match',
  });
}

function noAccounts(enabled: ConnectorInfo[], all: ConnectorInfo[]): HTMLElement {
  if (!enabled.length) {
    return emptyState({
      icon: 'plug',
      title: 'No linked accounts yet',
      text: 'First enable a connector: create a connector profile with your OAuth app or settings. Then send your customers an Auth Link.',
      actions: [
        linkButton('Set up a connector', '/dashboard/connectors', {
          variant: 'primary',
          testid: 'empty-setup-connector',
        }),
      ],
      testid: 'accounts-empty',
    });
  }
  return emptyState({
    icon: 'users',
    title: 'No linked accounts yet',
    text: `Send a customer an Auth Link: they pick ${enabled.map((c) => c.name).join(', ')} and link their account. It shows up here, and your webhooks receive account.created.`,
    actions: [
      button('Create Auth Link', {
        variant: 'primary',
        icon: 'link',
        testid: 'empty-create-auth-link',
        onClick: () => authLinkDialog(enabled, all),
      }),
    ],
    testid: 'accounts-empty',
  });
}

/**
 * "3 link attempts failed in the last 24 hours": end users' failures are otherwise invisible
 * here (a refused token creates no account). Links to the Link attempts page for the same range.
 */
async function showFailures(box: HTMLElement, v: View): Promise<void> {
  const since = new Date(Date.now() - 24 * 3_600_000).toISOString();
  let count: number;
  try {
    ({ count } = await get<{ count: number }>(
      withQuery('/connection_attempts/count', { status: 'error,cancelled,expired', start_date: since }),
      v.signal,
    ));
  } catch {
    return; // The accounts list says what is wrong with the server; this line stays quiet.
  }
  const link = h(
    'a',
    { href: '/dashboard/attempts?hours=24', 'data-testid': 'link-failures-link' },
    count ? 'See why' : 'Link attempts',
  );
  box.classList.toggle('failures-some', count > 0);
  box.replaceChildren(
    h(
      'span',
      { class: 'failures-count' },
      icon(count ? 'alert' : 'check'),
      count
        ? `${count} link attempt${count === 1 ? '' : 's'} failed or abandoned in the last 24 hours`
        : 'No failed link attempts in the last 24 hours',
    ),
    ' ',
    link,
  );
}
