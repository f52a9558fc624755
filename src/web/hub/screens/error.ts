/** The whole-screen error, with "Try again" and, where the link offers more apps, "Choose another app". */
import { h, svg, ICONS } from '../../shared/dom.js';
import { t } from '../../shared/i18n/i18n.js';
import { AuthError } from '../api.js';
import { apiProblem, type Problem } from '../problems.js';
import { ctx, mount, heading, details, focusAlert, show } from '../app.js';

/** "Try again" and, when the link offers more than one app, "Choose another app". */
function recoveryActions(retry: () => void, primary = true): HTMLElement {
  const canList = ctx.editAccountId === undefined && ctx.active.length > 1;
  return h(
    'div',
    { class: 'actions' },
    canList
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-secondary',
            'data-testid': 'choose-another',
            onClick: () => show({ kind: 'list' }),
          },
          t('error.chooseAnother'),
        )
      : null,
    h(
      'button',
      {
        type: 'button',
        class: `btn ${primary ? 'btn-primary' : 'btn-secondary'}`,
        'data-testid': 'try-again',
        onClick: retry,
      },
      t('error.tryAgain'),
    ),
  );
}

export function fail(e: unknown, retry: () => void, name = t('error.thisApp')): void {
  if (e instanceof AuthError) {
    show({ kind: 'ended' });
    return;
  }
  const problem = apiProblem(e, name);
  errorState(t('error.title'), problem, retry);
}

/** A whole-screen error: one line, the evidence behind "Details", and ways forward. */
export function errorState(title: string, problem: Problem, retry: () => void): void {
  const box = h(
    'div',
    { class: 'state', 'data-testid': 'error', role: 'alert', tabindex: '-1' },
    h('div', { class: 'badge-icon bad' }, svg(ICONS.alert, '')),
    heading(title),
    h('p', { class: 'muted', 'data-testid': 'problem' }, problem.line),
    details(problem.detail),
    recoveryActions(retry),
  );
  mount(title, box);
  ctx.onEscape = () => {
    retry();
    return true;
  };
  focusAlert(box);
}
