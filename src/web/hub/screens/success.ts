/**
 * The account is connected: says so, and tells connect.js and the opener. For a connector whose
 * updates are set up by hand in the provider (Oneflow's webhooks), it also shows the address and
 * sign key to paste there, with the connector's steps.
 */
import { h, svg, ICONS } from '../../shared/dom.js';
import { t } from '../../shared/i18n/i18n.js';
import { api, currentScreen, enc, framed, ctx, mount, announce, heading, show } from '../app.js';
import { copyField } from '../guide.js';
import type { HubEventsSetup } from '../../../contract/hub.js';

/** The "one more step" section, or nothing when the account needs none (or it cannot be read). */
async function eventsSetup(accountId: string, name: string): Promise<HTMLElement | null> {
  const setup = await api
    .get<HubEventsSetup>(`/hub/accounts/${enc(accountId)}/events_setup`)
    .catch(() => null);
  if (!setup?.inbound_url) return null;
  const words = (step: string) =>
    step.replaceAll('{inbound_url}', t('events.urlBelow')).replaceAll('{secret}', t('events.secretBelow'));
  return h(
    'section',
    { class: 'setup-guide events-setup', 'aria-labelledby': 'events-setup', 'data-testid': 'events-setup' },
    h('h2', { id: 'events-setup' }, t('events.title', { name })),
    h('p', { class: 'muted' }, t('events.why', { name })),
    setup.steps.length
      ? h(
          'ol',
          { class: 'steps', 'data-testid': 'events-steps' },
          setup.steps.map((s) => h('li', { dir: 'auto' }, words(s))),
        )
      : null,
    copyField(t('events.url'), setup.inbound_url, 'inbound-url'),
    setup.secret
      ? copyField(t('events.secret'), setup.secret, 'inbound-secret', t('events.secretHint', { name }))
      : null,
  );
}

export function success(name: string, acct: { id: string; provider: string }): void {
  const canClose = framed || !!window.opener;
  const another = ctx.editAccountId === undefined && ctx.active.length > 1;
  mount(
    t('success.title'),
    h(
      'div',
      {
        class: 'state',
        'data-testid': 'success',
        'data-account-id': acct.id,
        'data-provider': acct.provider,
      },
      h('div', { class: 'badge-icon ok' }, svg(ICONS.check, '')),
      heading(t('success.title')),
      h('p', { class: 'muted' }, t(canClose ? 'success.text' : 'success.textClose', { name })),
      canClose || another
        ? h(
            'div',
            { class: 'actions' },
            another
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn-secondary',
                    'data-testid': 'connect-another',
                    onClick: () => show({ kind: 'list' }),
                  },
                  t('success.another'),
                )
              : null,
            canClose
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn-primary',
                    'data-testid': 'close',
                    onClick: () =>
                      framed ? window.parent.postMessage({ type: 'CloseModal' }, '*') : window.close(),
                  },
                  t('success.close'),
                )
              : null,
          )
        : null,
    ),
  );
  announce(t('success.announce', { name }));
  const signal = currentScreen();
  void eventsSetup(acct.id, name).then((section) => {
    const state = document.querySelector('[data-testid="success"]');
    if (!section || !state || signal.aborted) return;
    const actions = state.querySelector('.actions');
    if (actions) actions.before(section);
    else state.append(section);
  });
  if (framed)
    window.parent.postMessage(
      { type: 'AccountConnected', account: { id: acct.id, provider: acct.provider } },
      '*',
    );
}
