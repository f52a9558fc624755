/** "Check setup" on a connector profile: asks the server to try the profile's OAuth client with the provider. */
import { h } from '../dom.js';
import { call } from '../api.js';
import { alertBox, button, card, message } from '../ui.js';

interface SetupCheck {
  result: 'ok' | 'problem' | 'cannot_check';
  message: string;
}

const TITLES: Record<SetupCheck['result'], string> = {
  ok: 'The setup works',
  problem: 'The provider refused this setup',
  cannot_check: 'Not checked',
};

export function checkSetupCard(profileId: string): HTMLElement {
  const result = h('div', { class: 'check-result', role: 'status', 'data-testid': 'check-result' });
  const run = button('Check setup', {
    testid: 'check-setup',
    onClick: () => {
      run.disabled = true;
      result.replaceChildren(h('p', { class: 'muted' }, 'Checking…'));
      call<SetupCheck>('POST', `/connector_profiles/${encodeURIComponent(profileId)}/check`)
        .then((c) => {
          const kind = c.result === 'ok' ? 'ok' : c.result === 'problem' ? 'warn' : 'info';
          result.replaceChildren(alertBox(kind, TITLES[c.result], c.message));
          result.dataset.result = c.result;
        })
        .catch((e: unknown) => result.replaceChildren(alertBox('warn', 'The check did not run', message(e))))
        .finally(() => {
          run.disabled = false;
        });
    },
  });
  return card(
    'Check setup',
    h(
      'p',
      { class: 'muted' },
      'Asks the provider whether it accepts this profile’s OAuth client, without an end user signing in.',
    ),
    run,
    result,
  );
}
