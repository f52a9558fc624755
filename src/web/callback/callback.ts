/**
 * OAuth pop-up landing page: /embedded/accounts/callback?status=success|error&account_id=&provider=&error=&error_description=
 *
 * `status=choose&choice=<id>`: the sign-in found several accounts the end user can link (Xero
 * organisations, Jira sites); the page asks which one, sends the answer and follows the server
 * to the outcome (this page again, or the app's own return page).
 * Shows the outcome in the end user's words (the provider's answer behind "Details"), tells the
 * opener (the Hub) and closes itself.
 *
 * Our Hub adds how its page looked when it opened the window (`lang`, `company`, `logo`,
 * `accent`, `on_accent`), so the window ends in the same language and colours. Each is checked
 * here: a colour must be `#rrggbb`, a logo one of this server's project logos; without them (the
 * official component's callback, or a hand-made URL) the page is plain and follows the browser's
 * languages.
 */
import { oauthProblem, setWhomToAsk } from '../shared/oauth-words.js';
import { browserLanguages, chooseLanguage, t } from '../shared/i18n/i18n.js';

const q = new URLSearchParams(location.search);
const ok = q.get('status') === 'success';
const accountId = q.get('account_id') ?? '';
const provider = q.get('provider') ?? '';
const error = q.get('error') || 'error';
const description = q.get('error_description') ?? '';

const COLOR = /^#[0-9a-fA-F]{6}$/;
const LOGO_PATH = /^\/project_logos\/[\w-]{1,64}\/[0-9a-f]{64}$/;

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  text = '',
): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.textContent = text;
  return e;
};

/** The company's name, logo and accent, as the Hub that opened this window showed them. */
function applyLook(): string | null {
  const company = q.get('company')?.trim().slice(0, 100) || null;
  const accent = q.get('accent') ?? '';
  const onAccent = q.get('on_accent') ?? '';
  if (COLOR.test(accent) && COLOR.test(onAccent)) {
    const root = document.documentElement.style;
    for (const v of ['--primary', '--primary-hover', '--focus']) root.setProperty(v, accent);
    root.setProperty('--on-primary', onAccent);
    document.documentElement.classList.add('accented');
  }
  let logo: URL | null = null;
  try {
    logo = new URL(q.get('logo') ?? '', location.origin);
  } catch {
    logo = null;
  }
  const header = document.getElementById('brand') as HTMLElement;
  if (logo && logo.origin === location.origin && LOGO_PATH.test(logo.pathname) && !logo.search) {
    const img = el('img', 'brand-logo');
    img.src = logo.href;
    img.alt = company ?? '';
    img.height = 32;
    img.addEventListener('error', () => img.remove(), { once: true });
    header.append(img);
    header.hidden = false;
    const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (icon) icon.href = logo.href;
  }
  setWhomToAsk(company, null);
  return company;
}

async function render(): Promise<void> {
  await chooseLanguage([q.get('lang'), ...browserLanguages()]);
  const company = applyLook();
  const root = document.getElementById('result') as HTMLElement;
  const badge = el('div', `badge-icon ${ok ? 'ok' : 'bad'}`);
  // Static icon markup (no user data).
  badge.innerHTML = `<svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${
    ok ? '<path d="M20 6 9 17l-5-5"/>' : '<circle cx="12" cy="12" r="10"/><path d="M12 8v4M12 16h.01"/>'
  }</svg>`;
  root.dataset.status = ok ? 'success' : 'error';
  if (ok) root.dataset.accountId = accountId;
  root.setAttribute('role', ok ? 'status' : 'alert');
  // The provider key is all this page knows of the app ("kustomer"); a plain word reads better.
  const appName = /^[a-z]+$/.test(provider)
    ? provider[0]!.toUpperCase() + provider.slice(1)
    : t('callback.theApp');
  const problem = oauthProblem(error, description, appName);
  root.replaceChildren(
    badge,
    el('h1', '', ok ? t('success.title') : t('callback.failed')),
    el('p', 'muted', ok ? t('callback.canClose') : problem.line),
  );
  if (!ok) {
    if (problem.detail) {
      const more = el('details', 'details');
      more.append(el('summary', '', t('details')), el('p', 'details-text', problem.detail));
      root.append(more);
    }
    root.append(el('p', 'muted', t('callback.goBack')));
  }
  document.title = `${ok ? t('success.title') : t('callback.failedTitle')} · ${company ?? 'Switchboard'}`;
}

/** What the server says a choice is: the connector's name and the options' names. */
interface ChoiceView {
  name: string;
  options: Array<{ label: string }>;
}

const choiceUrl = (id: string) => `/connect/oauth2/choices/${encodeURIComponent(id)}`;

/** An ended choice: the page says so in the same words as a failed sign-in. */
function choiceGone(root: HTMLElement, line: string): void {
  const badge = el('div', 'badge-icon bad');
  badge.innerHTML =
    '<svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="12" r="10"/><path d="M12 8v4M12 16h.01"/></svg>';
  root.dataset.status = 'error';
  root.setAttribute('role', 'alert');
  root.replaceChildren(badge, el('h1', '', t('callback.failed')), el('p', 'muted', line));
}

/** Sends the answer; the server says where this window goes next. */
async function answer(id: string, body: { option: number } | { cancel: true }): Promise<string | 'gone'> {
  const res = await fetch(choiceUrl(id), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (res.status === 404) return 'gone';
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as { redirect: string }).redirect;
}

async function renderChoice(): Promise<void> {
  await chooseLanguage([q.get('lang'), ...browserLanguages()]);
  const company = applyLook();
  const root = document.getElementById('result') as HTMLElement;
  const id = q.get('choice') ?? '';
  let view: ChoiceView | null = null;
  try {
    const res = await fetch(choiceUrl(id), { credentials: 'same-origin' });
    if (res.ok) view = (await res.json()) as ChoiceView;
  } catch {
    view = null;
  }
  if (!view) {
    choiceGone(root, t('choose.gone'));
    return;
  }
  const title = t('choose.title', { name: view.name });
  document.title = `${title} · ${company ?? 'Switchboard'}`;
  root.dataset.status = 'choose';
  root.setAttribute('role', 'group');
  root.removeAttribute('aria-live');
  const heading = el('h1', '', title);
  heading.id = 'choose-title';
  root.setAttribute('aria-labelledby', heading.id);
  const form = el('form', 'choose-form');
  form.noValidate = true;
  const list = el('fieldset', 'choices');
  const legend = el('legend', 'sr-only', title);
  list.append(legend);
  view.options.forEach((o, i) => {
    const row = el('label', 'choice');
    const radio = el('input', '');
    radio.type = 'radio';
    radio.name = 'option';
    radio.value = String(i);
    row.append(radio, el('span', '', o.label));
    list.append(row);
  });
  const problem = el('p', 'choose-error');
  problem.setAttribute('role', 'alert');
  problem.hidden = true;
  const connect = el('button', 'btn btn-primary btn-block', t('choose.connect'));
  connect.type = 'submit';
  const cancel = el('button', 'btn btn-secondary btn-block', t('choose.cancel'));
  cancel.type = 'button';
  const actions = el('div', 'choose-actions');
  actions.append(connect, cancel);
  form.append(list, problem, actions);
  root.replaceChildren(heading, el('p', 'muted', t('choose.lead')), form);

  const send = async (body: { option: number } | { cancel: true }) => {
    connect.disabled = cancel.disabled = true;
    if ('option' in body) connect.textContent = t('choose.working');
    problem.hidden = true;
    try {
      const next = await answer(id, body);
      if (next === 'gone') choiceGone(root, t('choose.gone'));
      else location.replace(next);
    } catch {
      problem.textContent = t('choose.unsent');
      problem.hidden = false;
      connect.disabled = cancel.disabled = false;
      connect.textContent = t('choose.connect');
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const picked = form.querySelector<HTMLInputElement>('input[name="option"]:checked');
    if (!picked) {
      problem.textContent = t('choose.pick');
      problem.hidden = false;
      form.querySelector<HTMLInputElement>('input[name="option"]')?.focus();
      return;
    }
    void send({ option: Number(picked.value) });
  });
  cancel.addEventListener('click', () => void send({ cancel: true }));
  form.querySelector<HTMLInputElement>('input[name="option"]')?.focus();
}

const opener = window.opener as Window | null;
if (q.get('status') === 'choose') void renderChoice();
else
  void render().finally(() => {
    if (opener) {
      try {
        opener.postMessage(
          ok
            ? { type: 'AccountConnected', account: { id: accountId, provider } }
            : { type: 'CloseOAuth2', error, errorDescription: description },
          '*',
        );
      } catch {
        /* opener gone */
      }
    }
    // Also when the opener link was severed (COOP): a script-opened window may still close itself.
    setTimeout(() => window.close(), 1500);
  });
