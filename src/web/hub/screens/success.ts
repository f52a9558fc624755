/** The account is connected: says so, and tells connect.js and the opener. */
import { h, svg, ICONS } from '../../shared/dom.js';
import { t } from '../../shared/i18n/i18n.js';
import { framed, ctx, mount, announce, heading, show } from '../app.js';

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
  if (framed)
    window.parent.postMessage(
      { type: 'AccountConnected', account: { id: acct.id, provider: acct.provider } },
      '*',
    );
}
