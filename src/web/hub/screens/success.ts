/** The account is connected: says so, and tells connect.js and the opener. */
import { h, svg, ICONS } from '../../shared/dom.js';
import { framed, ctx, mount, announce, heading, show } from '../app.js';

export function success(name: string, acct: { id: string; provider: string }): void {
  const canClose = framed || !!window.opener;
  const another = ctx.editAccountId === undefined && ctx.active.length > 1;
  mount(
    'Account connected',
    h(
      'div',
      {
        class: 'state',
        'data-testid': 'success',
        'data-account-id': acct.id,
        'data-provider': acct.provider,
      },
      h('div', { class: 'badge-icon ok' }, svg(ICONS.check, '')),
      heading('Account connected'),
      h(
        'p',
        { class: 'muted' },
        `Your ${name} account is connected.${canClose ? '' : ' You can close this window.'}`,
      ),
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
                  'Connect another',
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
                  'Close',
                )
              : null,
          )
        : null,
    ),
  );
  announce(`Account connected: ${name}`);
  if (framed)
    window.parent.postMessage(
      { type: 'AccountConnected', account: { id: acct.id, provider: acct.provider } },
      '*',
    );
}
