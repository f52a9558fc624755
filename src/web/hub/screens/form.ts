/** One app's form: its config is loaded, then filled in, then saved (API key) or signed in (OAuth). */
import { h, svg, ICONS } from '../../shared/dom.js';
import { t } from '../../shared/i18n/i18n.js';
import { ApiError, AuthError, type ConnectorConfig, type Integration } from '../api.js';
import { buildForm, resolveConfig, type ResolvedConfig } from '../form.js';
import { apiProblem, type Problem } from '../problems.js';
import { setupGuide } from '../guide.js';
import {
  api,
  enc,
  ctx,
  drafts,
  mount,
  heading,
  logo,
  alertBox,
  focusAlert,
  loading,
  loadConfig,
  type Flash,
  currentScreen,
  show,
} from '../app.js';
import { fail } from './error.js';
import { startOAuth } from './oauth.js';

export async function connector(integ: Integration, flash?: Flash): Promise<void> {
  const v = loading(t('loading.app', { name: integ.name || integ.provider }));
  let config: ConnectorConfig;
  try {
    config = await loadConfig(integ.integration_id);
  } catch (e) {
    if (!v.aborted) fail(e, () => show({ kind: 'connector', integ }), integ.name || integ.provider);
    return;
  }
  if (v.aborted) return;
  form(integ, resolveConfig(config, integ, ctx.account), flash);
}

export function form(integ: Integration, rc: ResolvedConfig, flash?: Flash): void {
  const edit = ctx.editAccountId !== undefined;
  const canBack = !edit && ctx.active.length > 1;
  const alerts = h('div', { class: 'alerts' }, flash ? alertBox(flash.kind, flash.problem) : null);
  const label = edit ? (rc.oauth ? t('form.reconnect') : t('form.save')) : t('form.connect');
  const button = h(
    'button',
    { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'connect' },
    label,
  );
  let busy = false;

  const update = (): void => {
    button.disabled = busy || !handle.valid();
    drafts.set(integ.integration_id, handle.values());
  };
  const handle = buildForm(
    rc.fields,
    rc.notices,
    {
      setup: ctx.account?.setupInformation ?? {},
      secrets: ctx.account?.secrets ?? {},
      externalTriggerToken: ctx.externalTriggerToken,
      draft: drafts.get(integ.integration_id) ?? {},
    },
    update,
  );
  const hasVisible = handle.nodes.some((n) => n.classList.contains('field'));
  const fieldset = h(
    'fieldset',
    { class: 'fields' },
    h('legend', { class: 'sr-only' }, t('form.legend', { name: rc.name })),
    handle.nodes,
    !hasVisible && rc.oauth ? h('p', { class: 'muted' }, t('form.pressConnect', { name: rc.name })) : null,
  );

  const setBusy = (on: boolean, text?: string): void => {
    busy = on;
    fieldset.disabled = on;
    button.textContent = on ? (text ?? t('form.connecting')) : label;
    button.setAttribute('aria-busy', String(on));
    update();
  };
  const showError = (problem: Problem): void => {
    const box = alertBox('error', problem);
    alerts.replaceChildren(box);
    focusAlert(box);
  };
  const labelOf = (key: string): string | undefined => rc.fields.find((f) => f.key === key)?.label;

  async function submit(): Promise<void> {
    if (busy) return;
    if (!handle.reveal()) return update();
    alerts.replaceChildren();
    setBusy(true);
    const v = currentScreen();
    const values = handle.values();
    try {
      if (rc.oauth) await startOAuth(integ, rc, values, v, setBusy, showError);
      else await saveCredentials(integ, rc, values, v);
    } catch (e) {
      if (v.aborted) return;
      if (e instanceof AuthError) return show({ kind: 'ended' });
      setBusy(false);
      showError(apiProblem(e, rc.name, labelOf));
    }
  }

  const formEl = h(
    'form',
    {
      class: 'connector-form',
      novalidate: true,
      'data-integration-id': integ.integration_id,
      onSubmit: (e) => {
        e.preventDefault();
        void submit();
      },
    },
    fieldset,
    alerts,
    button,
    h(
      'p',
      { class: 'secure muted' },
      svg(ICONS.lock),
      rc.oauth ? t('form.secureOauth') : t('form.secureKey'),
    ),
  );

  const intro =
    rc.supportText ||
    t(edit ? 'form.introEdit' : rc.oauth ? 'form.introOauth' : 'form.introKey', { name: rc.name });

  // The heading comes first in the DOM: the screen focuses it, so Tab reaches Back next (drawn first by CSS).
  mount(
    rc.name,
    h(
      'div',
      { class: 'head' },
      heading(rc.name),
      canBack
        ? h(
            'button',
            {
              type: 'button',
              class: 'icon-btn',
              'aria-label': t('form.back'),
              'data-testid': 'back',
              onClick: () => show({ kind: 'list' }),
            },
            svg(ICONS.back),
          )
        : null,
      logo(rc.icon, rc.name, 24),
      rc.supportLink
        ? h(
            'a',
            { class: 'guide', href: rc.supportLink, target: '_blank', rel: 'noopener noreferrer' },
            t('form.guide'),
            svg(ICONS.external),
            h('span', { class: 'sr-only' }, t('form.newTab')),
          )
        : null,
    ),
    h('p', { class: 'muted lead', dir: 'auto' }, intro),
    setupGuide(rc.guide),
    formEl,
  );
  update();
  if (canBack)
    ctx.onEscape = () => {
      if (busy) return false;
      show({ kind: 'list' });
      return true;
    };
  if (flash) focusAlert(alerts.querySelector<HTMLElement>('[role="alert"]'));
}

export async function saveCredentials(
  integ: Integration,
  rc: ResolvedConfig,
  credentials: Record<string, string>,
  v: AbortSignal,
): Promise<void> {
  const body = { integration_id: integ.integration_id, credentials };
  let id: string;
  let provider = integ.provider;
  if (ctx.editAccountId !== undefined) {
    await api.send('PATCH', `/hub/accounts/${enc(ctx.editAccountId)}`, body);
    id = ctx.editAccountId;
  } else {
    const res = await api.send<{ id?: string; provider?: string }>('POST', '/hub/accounts', body);
    if (!res?.id) throw new ApiError('The server did not return the new account', 500);
    id = res.id;
    provider = res.provider || provider;
  }
  drafts.delete(integ.integration_id);
  if (!v.aborted) show({ kind: 'success', name: rc.name, account: { id, provider } });
}
