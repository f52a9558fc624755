/** The end user's setup guide: their steps and, when they register an OAuth app, the redirect URI to paste. */
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n/i18n.js';

export interface SetupGuide {
  description?: string;
  steps?: string[];
  callbackUrl?: string | null;
}

let guides = 0;

async function copy(input: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    // Clipboard API refused (permissions, older browser): fall back to a selection copy.
    input.select();
    return document.execCommand('copy');
  }
}

/**
 * A value to paste elsewhere, in a read-only field with a Copy button; "Copied" is announced to
 * screen readers. `testId` names the field (`redirect-uri`) and its button (`copy-redirect-uri`).
 */
export function copyField(label: string, value: string, testId: string, hint?: string): HTMLElement {
  const id = `copy-${++guides}`;
  const status = h('span', { class: 'copy-status', role: 'status', 'data-testid': 'copy-status' });
  const input = h('input', {
    id,
    type: 'text',
    readonly: true,
    value,
    class: 'copy-input',
    'data-testid': testId,
    spellcheck: 'false',
    onFocus: () => input.select(),
  });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn copy-btn',
      'aria-describedby': id,
      'data-testid': `copy-${testId}`,
      onClick: () => {
        void copy(input).then((ok) => {
          status.textContent = ok ? t('guide.copied') : t('guide.copyFailed');
        });
      },
    },
    t('guide.copy'),
  );
  return h(
    'div',
    { class: 'redirect-uri' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'muted' }, hint) : null,
    h('div', { class: 'copy-row' }, input, button),
    status,
  );
}

/** Renders the guide, or nothing when the connector has no steps for the end user. */
export function setupGuide(guide: SetupGuide | undefined): HTMLElement | null {
  const steps = guide?.steps?.filter((s) => typeof s === 'string' && s) ?? [];
  if (!steps.length && !guide?.callbackUrl) return null;
  const n = ++guides;
  return h(
    'section',
    { class: 'setup-guide', 'aria-labelledby': `setup-guide-${n}`, 'data-testid': 'setup-guide' },
    h('h2', { id: `setup-guide-${n}` }, t('guide.title')),
    steps.length
      ? h(
          'ol',
          { class: 'steps', 'data-testid': 'setup-steps' },
          steps.map((s) => h('li', { dir: 'auto' }, s)),
        )
      : null,
    guide?.callbackUrl
      ? copyField(t('guide.redirectUri'), guide.callbackUrl, 'redirect-uri', t('guide.registerExactly'))
      : null,
  );
}
