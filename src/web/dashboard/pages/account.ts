/** One account: setup information, redacted credentials, recent requests, webhooks sent; actions. */
import { h, type Child, put } from '../dom.js';
import {
  ApiError,
  call,
  get,
  withQuery,
  type Account,
  type AccountEvent,
  type ConnectorInfo,
  type RequestLog,
} from '../api.js';
import { navigate } from '../router.js';
import { connector } from '../store.js';
import type { View } from '../view.js';
import { resource } from '../resource.js';
import {
  alertBox,
  backLink,
  badge,
  button,
  card,
  dataTable,
  errorBlock,
  loadingBlock,
  logo,
  mono,
  pageHeader,
  props,
  secretValue,
  statusBadge,
  time,
  toast,
  withProgress,
  type Tone,
} from '../ui.js';
import { confirmAction } from '../dialog.js';
import { reconnectDialog } from './links.js';
import { logStatus } from './logs.js';
import { copyField } from '../forms.js';

export const deliveryTone = (s: string): Tone =>
  s === 'delivered' ? 'ok' : s === 'failed' ? 'bad' : 'neutral';

export async function accountPage(v: View, id: string): Promise<void> {
  const a = await get<Account>(`/accounts/${encodeURIComponent(id)}`, v.signal);
  const info = await connector(a.provider, v.signal);
  render(v, a, info ?? null);
}

function render(v: View, a: Account, info: ConnectorInfo | null): void {
  const logoUrl = info?.logo_url ?? null;
  const rerender = (next: Account) => {
    if (v.signal.aborted) return;
    v.main.replaceChildren();
    render(v, next, info);
    v.main.querySelector<HTMLElement>('h1')?.focus();
  };
  const suspended = a.status === 'inactive';
  const actions: Child[] = [
    button('Re-connect link', {
      icon: 'link',
      testid: 'reconnect',
      onClick: (e) =>
        void reconnectDialog(a, e.currentTarget as HTMLButtonElement).catch((err: unknown) =>
          toast((err as Error).message, 'error'),
        ),
    }),
    button(suspended ? 'Resume' : 'Suspend', {
      testid: suspended ? 'resume' : 'suspend',
      onClick: (e) => {
        const btn = e.currentTarget as HTMLButtonElement;
        if (suspended) {
          void withProgress(btn, 'Resuming…', () =>
            call<Account>('POST', `/accounts/${encodeURIComponent(a.id)}/resume`),
          )
            .then((next) => {
              toast('Account resumed');
              rerender(next);
            })
            .catch((err: unknown) => toast((err as Error).message, 'error'));
          return;
        }
        let next: Account | null = null;
        void confirmAction({
          title: 'Suspend this account?',
          text: h(
            'p',
            null,
            'Calls through the proxy, actions and MCP are refused and tokens are no longer refreshed until you resume it. The credentials are kept. Your webhooks receive account.updated.',
          ),
          confirm: 'Suspend account',
          busy: 'Suspending…',
          testid: 'suspend-dialog',
          action: async () => {
            next = await call<Account>('POST', `/accounts/${encodeURIComponent(a.id)}/suspend`);
          },
        }).then((done) => {
          if (done && next) {
            toast('Account suspended');
            rerender(next);
          }
        });
      },
    }),
    button('Delete', {
      variant: 'danger',
      testid: 'delete-account',
      onClick: () =>
        void confirmAction({
          title: 'Delete this account?',
          text: h(
            'div',
            null,
            h(
              'p',
              null,
              'The ',
              h('strong', null, `${a.provider_name} account of ${a.origin_owner_name}`),
              ' is deleted with its credentials, and its tokens are revoked at the provider where possible.',
            ),
            h(
              'p',
              null,
              'Your webhooks receive account.deleted. This cannot be undone: the end user would have to link the account again.',
            ),
          ),
          confirm: 'Delete account',
          busy: 'Deleting…',
          danger: true,
          testid: 'delete-dialog',
          action: async () => {
            await call('DELETE', `/accounts/${encodeURIComponent(a.id)}`);
          },
        }).then((done) => {
          if (!done) return;
          toast('Account deleted');
          navigate('/dashboard/accounts');
        }),
    }),
  ];

  const reasons = a.status_reasons.filter((r) => r.description || r.code);
  put(
    v.main,
    pageHeader(
      `${a.origin_owner_name} · ${a.provider_name}`,
      h('span', { class: 'title-meta' }, logo(logoUrl, a.provider_name), statusBadge(a), mono(a.id)),
      actions,
      backLink('Accounts', '/dashboard/accounts'),
    ),
    a.status === 'error'
      ? alertBox(
          'error',
          'This account needs to be re-connected',
          'Its credentials stopped working. Send the end user a re-connect link: the account keeps its ID.',
        )
      : null,
    reasons.length
      ? card(
          'Status reasons',
          h(
            'ul',
            { class: 'reasons', 'data-testid': 'status-reasons' },
            ...reasons.map((r) =>
              h(
                'li',
                null,
                h('strong', null, r.code ?? 'reason'),
                ': ',
                r.description ?? '',
                ' · ',
                time(r.timestamp),
              ),
            ),
          ),
        )
      : null,
    h(
      'div',
      { class: 'grid-2' },
      card(
        'Details',
        props(
          [
            ['Account ID', mono(a.id)],
            ['Provider', a.provider_name],
            [
              'Connector profile',
              a.integration_id
                ? h(
                    'a',
                    { href: `/dashboard/connectors/${encodeURIComponent(a.provider)}` },
                    mono(a.integration_id),
                  )
                : 'deleted',
            ],
            [
              'Environment',
              info?.environments.find((e) => e.key === a.environment)?.label ?? a.environment ?? '—',
            ],
            ['Origin owner ID', mono(a.origin_owner_id)],
            ['Origin owner name', a.origin_owner_name],
            ['Origin username', a.origin_username ?? '—'],
            ['Created', time(a.created_at)],
            ['Updated', time(a.updated_at)],
          ],
          'account-details',
        ),
      ),
      h(
        'div',
        { class: 'stack-lg' },
        card(
          'Setup information',
          Object.keys(a.setup_information).length
            ? props(
                Object.entries(a.setup_information).map(([k, val]) => [k, mono(String(val))]),
                'setup-information',
              )
            : h('p', { class: 'muted' }, 'Nothing: this connector keeps no setup values.'),
        ),
        card(
          'Credentials',
          Object.keys(a.credentials).length
            ? props(
                Object.entries(a.credentials).map(([k, val]) => [k, secretValue(val)]),
                'credentials',
              )
            : h('p', { class: 'muted' }, 'No secrets entered by the end user.'),
          h(
            'p',
            { class: 'hint' },
            'Secrets are never shown: only their last 4 characters. OAuth tokens never leave the server.',
          ),
        ),
      ),
    ),
    recentRequests(v, a),
    providerEvents(v, a),
    webhooksSent(v, a),
  );
}

function recentRequests(v: View, a: Account): HTMLElement {
  const body = h('div', null, loadingBlock('Loading requests…'));
  void resource({
    signal: v.signal,
    load: (signal) =>
      get<{ data: RequestLog[] }>(withQuery('/requests/logs', { account_ids: a.id, page_size: 10 }), signal),
    render: (res) =>
      body.replaceChildren(
        res.data.length
          ? dataTable(
              'Recent requests on this account',
              [{ label: 'Time' }, { label: 'Request' }, { label: 'Status' }, { label: 'Duration' }],
              res.data.map((l) => [
                time(l.start_time ?? l.event_datetime),
                h(
                  'a',
                  { href: `/dashboard/logs/${encodeURIComponent(l.id)}` },
                  `${l.http_method ?? ''} ${l.path ?? l.action ?? ''}`,
                ),
                logStatus(l),
                l.duration != null ? `${l.duration} ms` : '—',
              ]),
              'account-requests',
            )
          : h(
              'p',
              { class: 'muted', 'data-testid': 'account-requests-empty' },
              'No requests yet. Calls your backend makes on this account through the proxy, actions or MCP appear here.',
            ),
        h(
          'p',
          null,
          h(
            'a',
            { href: `/dashboard/logs?account=${encodeURIComponent(a.id)}` },
            'All requests on this account',
          ),
        ),
      ),
    error: (e) =>
      body.replaceChildren(
        e instanceof ApiError && e.status === 404
          ? h('p', { class: 'muted' }, 'Request logs are not available on this server.')
          : errorBlock(e),
      ),
  })();
  return card('Recent requests', body);
}

interface AccountEventsInfo {
  mode: 'programmatic' | 'manual' | 'none';
  events: string[];
  inbound_url: string | null;
  secret: string | null;
  subscription: { status: string; provider_id: string | null; last_error: string | null } | null;
  setup_steps: string[];
}

interface InboundDelivery {
  id: string;
  outcome: 'accepted' | 'duplicate' | 'handshake' | 'rejected';
  reason: string | null;
  items: number;
  new_items: number;
  received_at: string;
  events: Array<{ provider_type: string; status: string; event: string | null; last_error: string | null }>;
}

const outcomeTone = (o: string): Tone => (o === 'accepted' ? 'ok' : o === 'rejected' ? 'bad' : 'neutral');

/** The provider's own webhooks for this account: how they arrive, and the last deliveries. */
function providerEvents(v: View, a: Account): HTMLElement {
  const body = h('div', null, loadingBlock('Loading connector events…'));
  void resource({
    signal: v.signal,
    load: async (signal) => {
      const info = await get<AccountEventsInfo>(`/accounts/${encodeURIComponent(a.id)}/events`, signal);
      const log =
        info.mode === 'none'
          ? []
          : await get<InboundDelivery[]>(
              withQuery('/inbound_deliveries', { account_id: a.id, page_size: 10 }),
              signal,
            );
      return { info, log };
    },
    render: ({ info, log }) => {
      if (info.mode === 'none') {
        body.replaceChildren(h('p', { class: 'muted' }, 'This connector sends no events of its own.'));
        return;
      }
      const how =
        info.mode === 'programmatic'
          ? props([
              [
                'Subscription',
                info.subscription
                  ? badge(
                      info.subscription.status,
                      info.subscription.status === 'active'
                        ? 'ok'
                        : info.subscription.status === 'failed'
                          ? 'bad'
                          : 'neutral',
                      'events-subscription',
                    )
                  : '—',
              ],
              ['Provider id', info.subscription?.provider_id ? mono(info.subscription.provider_id) : '—'],
              ...(info.subscription?.last_error
                ? ([['Problem', info.subscription.last_error]] as Array<[string, Child]>)
                : []),
            ])
          : h(
              'div',
              null,
              h('p', null, 'The account owner registers this address in the provider (or you do, for them):'),
              copyField('Inbound URL', info.inbound_url ?? '', 'events-inbound-url'),
              info.secret ? copyField('Secret (sign key)', info.secret, 'events-secret') : null,
              info.setup_steps.length
                ? h('ol', { class: 'steps' }, ...info.setup_steps.map((step) => h('li', null, step)))
                : null,
            );
      body.replaceChildren(
        props([
          [
            'Mode',
            info.mode === 'programmatic'
              ? 'Subscribed through the provider’s API'
              : 'Registered by hand in the provider',
          ],
          [
            'Events emitted',
            info.events.length
              ? h('span', null, ...info.events.flatMap((e, i) => [i ? ', ' : '', mono(e)]))
              : 'none (turned off on the connector profile)',
          ],
        ]),
        how,
        log.length
          ? dataTable(
              'Deliveries received',
              [{ label: 'Received' }, { label: 'Outcome' }, { label: 'Events' }],
              log.map((d) => [
                time(d.received_at),
                h(
                  'span',
                  null,
                  badge(d.outcome, outcomeTone(d.outcome)),
                  d.reason ? h('span', { class: 'muted' }, ` ${d.reason}`) : null,
                ),
                d.events.length
                  ? h(
                      'ul',
                      { class: 'plain' },
                      ...d.events.map((e) =>
                        h(
                          'li',
                          null,
                          mono(e.event ?? e.provider_type),
                          ' ',
                          badge(
                            e.status,
                            e.status === 'emitted' ? 'ok' : e.status === 'failed' ? 'bad' : 'neutral',
                          ),
                          e.last_error ? h('span', { class: 'muted' }, ` ${e.last_error}`) : null,
                        ),
                      ),
                    )
                  : h('span', { class: 'muted' }, d.outcome === 'duplicate' ? 'already received' : '—'),
              ]),
              'inbound-deliveries',
            )
          : h('p', { class: 'muted' }, 'No deliveries received yet.'),
      );
    },
    error: (e) => body.replaceChildren(errorBlock(e)),
  })();
  return card('Connector events', body);
}

function webhooksSent(v: View, a: Account): HTMLElement {
  const body = h('div', null, loadingBlock('Loading events…'));
  void resource({
    signal: v.signal,
    load: (signal) =>
      get<{ data: AccountEvent[] }>(`/dashboard/api/accounts/${encodeURIComponent(a.id)}/events`, signal),
    render: (res) =>
      body.replaceChildren(
        res.data.length
          ? dataTable(
              'Webhook events of this account',
              [{ label: 'Event' }, { label: 'Time' }, { label: 'Deliveries' }],
              res.data.map((e) => [
                mono(e.event),
                time(e.created_at),
                e.deliveries.length
                  ? h(
                      'ul',
                      { class: 'plain' },
                      ...e.deliveries.map((d) =>
                        h(
                          'li',
                          null,
                          badge(d.status, deliveryTone(d.status)),
                          ' ',
                          h(
                            'a',
                            { href: `/dashboard/webhooks/${encodeURIComponent(d.endpoint_id)}` },
                            d.url ?? d.endpoint_id,
                          ),
                        ),
                      ),
                    )
                  : h('span', { class: 'muted' }, 'No endpoint subscribed'),
              ]),
              'account-events',
            )
          : h('p', { class: 'muted' }, 'No events yet.'),
      ),
    error: (e) => body.replaceChildren(errorBlock(e)),
  })();
  return card('Webhooks sent', body);
}
