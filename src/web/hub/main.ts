/**
 * The Hub (Auth Link page). Reads everything from the URL:
 *   ?token=<session token>  [&api_url=<API base, default: this origin>]
 *   [&attempt=<connection attempt id>&integration=<integration id>]  (back from a full-page OAuth redirect)
 * and talks only to the /hub/* API.
 */
import { h, svg, ICONS, type Child } from '../shared/dom.js';
import {
  createApi,
  ApiError,
  AuthError,
  type AccountData,
  type Attempt,
  type ConnectorConfig,
  type HubData,
  type Integration,
} from './api.js';
import { buildForm, resolveConfig, type ResolvedConfig } from './form.js';
import { apiProblem, oauthProblem, type Problem } from './problems.js';
import { ASK } from '../shared/oauth-words.js';
import { setupGuide } from './guide.js';

const POLL_MS = 1500;
const TIMEOUT_MS = 5 * 60 * 1000;
/** How often the sign-in window is checked: a closed window is noticed within about a second. */
const CLOSE_CHECK_MS = 400;
/**
 * A window that reads `closed` this soon after opening was most likely cut off from us by the
 * provider's Cross-Origin-Opener-Policy (the opener then sees it as closed while the user is still
 * signing in), not closed by a person: keep polling instead of cancelling the sign-in.
 */
const ISOLATED_WITHIN_MS = 2000;
const RETURN_PARAMS = [
  'attempt',
  'integration',
  'status',
  'account_id',
  'provider',
  'error',
  'error_description',
];

const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const API = apiBase(params.get('api_url'));
const api = createApi(API, token);
const framed = window.parent !== window;
if (framed) document.documentElement.classList.add('framed');

/**
 * What Escape does on the current screen (back to the list, cancel the sign-in); it returns false
 * when it had nothing to do. Then, in connect.js's modal, Escape closes the modal (like its ×).
 */
let onEscape: (() => boolean) | null = null;
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  if (onEscape?.()) e.preventDefault();
  else if (framed && params.get('modal') === '1') window.parent.postMessage({ type: 'CloseModal' }, '*');
});

const app = document.getElementById('app') as HTMLElement;
const live = document.getElementById('live') as HTMLElement;
const enc = encodeURIComponent;

let view = 0; // bumped on every screen change; async work started for an older screen stops
let integrations: Integration[] = [];
let active: Integration[] = [];
let externalTriggerToken: string | undefined;
let editAccountId: string | undefined;
let account: AccountData | undefined;
const configs = new Map<string, ConnectorConfig>();
const listState = { q: '', cat: '', focus: '' };
/**
 * What the user typed in each connector's form, so a closed sign-in window, an error or Back does
 * not make them type it again. Secrets included (a Kustomer client secret is hard to dig out
 * twice), but only in this page's memory: never in localStorage/sessionStorage, the URL or
 * history, which outlive the page and can be read later from the browser profile. The values
 * are gone when the tab closes, and dropped once the account is connected.
 */
const drafts = new Map<string, Record<string, string>>();

function apiBase(raw: string | null): string {
  if (raw) {
    try {
      const u = new URL(raw);
      if (u.protocol === 'https:' || u.protocol === 'http:')
        return (u.origin + u.pathname).replace(/\/+$/, '');
    } catch {
      /* fall through */
    }
  }
  return location.origin;
}

/* ---------- rendering helpers ---------- */

function mount(title: string, ...children: Child[]): number {
  view++;
  onEscape = null;
  document.title = `${title} · Switchboard`;
  const first = !app.hasChildNodes();
  app.removeAttribute('aria-busy');
  app.replaceChildren();
  for (const c of children) if (c) app.append(c as Node);
  if (!first) app.querySelector<HTMLElement>('h1')?.focus();
  return view;
}

function announce(text: string): void {
  live.textContent = '';
  setTimeout(() => (live.textContent = text), 50);
}

function heading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: '-1' }, text);
}

function logo(url: string | undefined, name: string, size = 32): HTMLElement {
  const initials = (): HTMLElement =>
    h(
      'span',
      { class: 'logo logo-fallback', 'aria-hidden': 'true', 'data-size': size },
      (name.trim()[0] ?? '?').toUpperCase(),
    );
  if (!url) return initials();
  let src: string;
  try {
    src = new URL(url, `${API}/`).href;
  } catch {
    return initials();
  }
  const img = h('img', {
    class: 'logo',
    src,
    alt: '',
    width: size,
    height: size,
    'data-size': size,
    referrerpolicy: 'no-referrer',
  });
  img.addEventListener('error', () => img.replaceWith(initials()), { once: true });
  return img;
}

function catLabel(type: string): string {
  return type
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) =>
      /^(crm|hris|ats|lms|iam|erp|itsm|sso|scim|api)$/i.test(w)
        ? w.toUpperCase()
        : w[0]!.toUpperCase() + w.slice(1).toLowerCase(),
    )
    .join(' ');
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text.trim();
  }
}

/** The evidence (server message, provider answer), closed by default: end users rarely need it. */
function details(detail: string | undefined): HTMLElement | null {
  if (!detail) return null;
  return h(
    'details',
    { class: 'details', 'data-testid': 'details' },
    h('summary', null, 'Details'),
    h('pre', { class: 'provider-response' }, pretty(detail)),
  );
}

function alertBox(kind: 'error' | 'warning', problem: Problem): HTMLElement {
  return h(
    'div',
    {
      class: `alert alert-${kind}`,
      role: 'alert',
      tabindex: '-1',
      'data-testid': kind === 'error' ? 'error' : 'warning',
    },
    svg(ICONS.alert),
    h(
      'div',
      { class: 'alert-body' },
      h('p', { class: 'alert-title', 'data-testid': 'problem' }, problem.line),
      details(problem.detail),
    ),
  );
}

/** Keyboard and screen-reader users land on the news, not on <body>. */
function focusAlert(el: HTMLElement | null): void {
  el?.focus({ preventScroll: false });
}

/** "Try again" and, when the link offers more than one app, "Choose another app". */
function recoveryActions(retry: () => void, primary = true): HTMLElement {
  const canList = editAccountId === undefined && active.length > 1;
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
            onClick: () => list(),
          },
          'Choose another app',
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
      'Try again',
    ),
  );
}

function state(testid: string, icon: string, tone: string, title: string, ...rest: Child[]): HTMLElement {
  return h(
    'div',
    { class: 'state', 'data-testid': testid },
    h('div', { class: `badge-icon ${tone}` }, svg(icon, '')),
    heading(title),
    ...rest,
  );
}

function fail(e: unknown, retry: () => void, name = 'this app'): void {
  if (e instanceof AuthError) {
    expired();
    return;
  }
  const problem = apiProblem(e, name);
  errorState('Something went wrong', problem, retry);
}

/** A whole-screen error: one line, the evidence behind "Details", and ways forward. */
function errorState(title: string, problem: Problem, retry: () => void): void {
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
  onEscape = () => {
    retry();
    return true;
  };
  focusAlert(box);
}

/* ---------- screens ---------- */

function loading(text: string): number {
  app.setAttribute('aria-busy', 'true');
  const v = mount(
    text,
    h(
      'div',
      { class: 'state', 'data-testid': 'loading' },
      h('div', { class: 'spinner' }),
      h('p', { class: 'muted' }, text),
    ),
  );
  app.setAttribute('aria-busy', 'true');
  return v;
}

interface LinkStatus {
  status?: 'active' | 'expired' | 'invalid' | string;
  origin_owner_name?: string | null;
}

/**
 * The link no longer works. An expired link names whom it was made for (the server knows the
 * token's session); a token that never existed says so rather than "expired".
 */
function expired(): void {
  void linkEnded();
}

async function linkEnded(): Promise<void> {
  const v = ++view;
  let link: LinkStatus | null = null;
  if (token) link = await api.get<LinkStatus>('/hub/link_status').catch(() => null);
  if (v !== view) return;
  const status = token ? link?.status : 'invalid';
  const forWhom = link?.origin_owner_name?.trim();
  let title: string;
  let what: string;
  let next: string;
  if (status === 'expired') {
    title = 'Link expired';
    what = forWhom ? `This link for ${forWhom} has expired.` : 'This link has expired.';
    next = `Links only work for a limited time. Ask ${ASK} for a new one.`;
  } else if (status === 'invalid') {
    title = 'Link not valid';
    what = 'This link is not valid.';
    next = `Check that you opened the whole link. If it still does not work, ask ${ASK} for a new one.`;
  } else {
    title = 'Link expired';
    what = 'This link has expired or is not valid.';
    next = `Ask ${ASK} for a new link.`;
  }
  mount(
    title,
    state(
      status === 'invalid' ? 'invalid-link' : 'expired',
      status === 'invalid' ? ICONS.alert : ICONS.clock,
      '',
      what,
      h('p', { class: 'muted' }, next),
    ),
  );
  announce(`${what} ${next}`);
}

function list(): void {
  const cats = [...new Set(active.map((i) => i.type).filter(Boolean))];
  if (!cats.includes(listState.cat)) listState.cat = '';

  const search = h('input', {
    type: 'search',
    id: 'search',
    class: 'search',
    'data-testid': 'search',
    placeholder: 'Search',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-controls': 'integrations',
    value: listState.q,
  });
  const ul = h('ul', { id: 'integrations', class: 'list', 'aria-label': 'Integrations' });
  const empty = h('p', { class: 'empty muted', hidden: true });
  const pills =
    cats.length > 1 ? h('div', { class: 'pills', role: 'group', 'aria-label': 'Filter by category' }) : null;

  const items = (): HTMLButtonElement[] => [...ul.querySelectorAll<HTMLButtonElement>('button.item')];

  function render(): void {
    const q = listState.q.trim().toLowerCase();
    const shown = active.filter(
      (i) => (!listState.cat || i.type === listState.cat) && i.name.toLowerCase().includes(q),
    );
    ul.replaceChildren(
      ...shown.map((i) =>
        h(
          'li',
          null,
          h(
            'button',
            {
              type: 'button',
              class: 'item',
              'data-testid': `integration-${i.provider}`,
              'data-integration-id': i.integration_id,
              onClick: () => {
                listState.focus = i.integration_id;
                void connector(i);
              },
            },
            logo(i.logo_url, i.name),
            h('span', { class: 'name' }, i.name || 'N/A'),
            i.type ? h('span', { class: 'tag' }, catLabel(i.type)) : null,
            svg(ICONS.chevron, 'icon chevron'),
          ),
        ),
      ),
    );
    empty.hidden = shown.length > 0;
    empty.textContent =
      active.length === 0
        ? 'No integrations are available for this link.'
        : `No integrations match “${listState.q.trim()}”.`;
    if (pills) {
      for (const b of pills.querySelectorAll('button'))
        b.setAttribute('aria-pressed', String(b.dataset.cat === listState.cat));
    }
  }

  let announceTimer = 0;
  search.addEventListener('input', () => {
    listState.q = search.value;
    render();
    clearTimeout(announceTimer);
    announceTimer = window.setTimeout(() => {
      const n = items().length;
      announce(n === 1 ? '1 integration' : `${n} integrations`);
    }, 400);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      items()[0]?.focus();
    } else if (e.key === 'Enter') {
      const all = items();
      if (all.length === 1) all[0]!.click();
    }
  });
  ul.addEventListener('keydown', (e) => {
    const all = items();
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = all[i + 1];
    else if (e.key === 'ArrowUp') next = i === 0 ? search : all[i - 1];
    else if (e.key === 'Home') next = all[0];
    else if (e.key === 'End') next = all[all.length - 1];
    else return;
    e.preventDefault();
    next?.focus();
  });

  if (pills) {
    for (const [cat, label] of [['', 'All'], ...cats.map((c) => [c, catLabel(c)])] as [string, string][]) {
      pills.append(
        h(
          'button',
          {
            type: 'button',
            class: 'pill',
            'data-cat': cat,
            'data-testid': `category-${cat || 'all'}`,
            onClick: () => {
              listState.cat = cat;
              render();
            },
          },
          label,
        ),
      );
    }
  }

  render();
  mount(
    'Connect an account',
    h(
      'div',
      { class: 'intro' },
      heading('Connect an account'),
      h('p', { class: 'muted' }, 'Choose the app you want to connect.'),
    ),
    active.length > 0
      ? h(
          'div',
          { class: 'search-box' },
          h('label', { for: 'search', class: 'sr-only' }, 'Search integrations'),
          svg(ICONS.search, 'icon search-icon'),
          search,
        )
      : null,
    pills,
    ul,
    empty,
  );
  const back = listState.focus
    ? ul.querySelector<HTMLElement>(`[data-integration-id="${CSS.escape(listState.focus)}"]`)
    : null;
  back?.focus();
  // Escape clears the search first (as the browser does for a search box); then it is the modal's.
  onEscape = () => {
    if (!search.value) return false;
    search.value = '';
    listState.q = '';
    render();
    search.focus();
    return true;
  };
}

async function loadConfig(integrationId: string): Promise<ConnectorConfig> {
  const cached = configs.get(integrationId);
  if (cached) return cached;
  const res = await api.get<{ config?: ConnectorConfig }>(`/hub/connectors/${enc(integrationId)}`);
  if (!res?.config || typeof res.config !== 'object')
    throw new ApiError('This integration is not available.', 404);
  configs.set(integrationId, res.config);
  return res.config;
}

interface Flash {
  kind: 'error' | 'warning';
  problem: Problem;
}

async function connector(integ: Integration, flash?: Flash): Promise<void> {
  const v = loading(`Loading ${integ.name || integ.provider}…`);
  let config: ConnectorConfig;
  try {
    config = await loadConfig(integ.integration_id);
  } catch (e) {
    if (v === view) fail(e, () => void connector(integ), integ.name || integ.provider);
    return;
  }
  if (v !== view) return;
  form(integ, resolveConfig(config, integ, account), flash);
}

function form(integ: Integration, rc: ResolvedConfig, flash?: Flash): void {
  const edit = editAccountId !== undefined;
  const canBack = !edit && active.length > 1;
  const alerts = h('div', { class: 'alerts' }, flash ? alertBox(flash.kind, flash.problem) : null);
  const label = edit ? (rc.oauth ? 'Reconnect' : 'Save changes') : 'Connect';
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
      setup: account?.setupInformation ?? {},
      secrets: account?.secrets ?? {},
      externalTriggerToken,
      draft: drafts.get(integ.integration_id) ?? {},
    },
    update,
  );
  const hasVisible = handle.nodes.some((n) => n.classList.contains('field'));
  const fieldset = h(
    'fieldset',
    { class: 'fields' },
    h('legend', { class: 'sr-only' }, `${rc.name} connection details`),
    handle.nodes,
    !hasVisible && rc.oauth
      ? h(
          'p',
          { class: 'muted' },
          `Press Connect to sign in. A window will open where you can authorize ${rc.name}.`,
        )
      : null,
  );

  const setBusy = (on: boolean, text?: string): void => {
    busy = on;
    fieldset.disabled = on;
    button.textContent = on ? (text ?? 'Connecting…') : label;
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
    const v = view;
    const values = handle.values();
    try {
      if (rc.oauth) await startOAuth(integ, rc, values, v, setBusy, showError);
      else await saveCredentials(integ, rc, values, v);
    } catch (e) {
      if (v !== view) return;
      if (e instanceof AuthError) return expired();
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
      rc.oauth
        ? 'You will sign in on the provider’s own page.'
        : 'Your credentials are encrypted and sent securely.',
    ),
  );

  const intro =
    rc.supportText ||
    (edit
      ? `Update your ${rc.name} connection.`
      : rc.oauth
        ? `Sign in to ${rc.name} to connect your account.`
        : `Enter your ${rc.name} details to connect your account.`);

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
              'aria-label': 'Back to integrations',
              'data-testid': 'back',
              onClick: () => list(),
            },
            svg(ICONS.back),
          )
        : null,
      logo(rc.icon, rc.name, 24),
      rc.supportLink
        ? h(
            'a',
            { class: 'guide', href: rc.supportLink, target: '_blank', rel: 'noopener noreferrer' },
            'Connection guide',
            svg(ICONS.external),
            h('span', { class: 'sr-only' }, ' (opens in a new tab)'),
          )
        : null,
    ),
    h('p', { class: 'muted lead' }, intro),
    setupGuide(rc.guide),
    formEl,
  );
  update();
  if (canBack)
    onEscape = () => {
      if (busy) return false;
      list();
      return true;
    };
  if (flash) focusAlert(alerts.querySelector<HTMLElement>('[role="alert"]'));
}

async function saveCredentials(
  integ: Integration,
  rc: ResolvedConfig,
  credentials: Record<string, string>,
  v: number,
): Promise<void> {
  const body = { integration_id: integ.integration_id, credentials };
  let id: string;
  let provider = integ.provider;
  if (editAccountId !== undefined) {
    await api.send('PATCH', `/hub/accounts/${enc(editAccountId)}`, body);
    id = editAccountId;
  } else {
    const res = await api.send<{ id?: string; provider?: string }>('POST', '/hub/accounts', body);
    if (!res?.id) throw new ApiError('The server did not return the new account', 500);
    id = res.id;
    provider = res.provider || provider;
  }
  drafts.delete(integ.integration_id);
  if (v === view) success(rc.name, { id, provider });
}

/* ---------- OAuth ---------- */

interface Pending {
  integ: Integration;
  name: string;
  attemptId: string;
  popup: Window | null;
  startedAt: number;
}

/**
 * The popup's address: a one-time launch id. The end user's fields (a client secret among them)
 * and the session token go to the server in a request body, never into a URL that browser
 * history or a proxy's access log would keep.
 */
async function launchUrl(
  integ: Integration,
  attemptId: string,
  redirectUri: string,
  values: Record<string, string>,
): Promise<string | undefined> {
  const res = await api.send<{ launch_url?: string }>(
    'PUT',
    `/hub/connection_attempts/${enc(attemptId)}/launch`,
    {
      integration_id: integ.integration_id,
      redirect_uri: redirectUri,
      fields: values,
    },
  );
  return res?.launch_url;
}

/** This page's URL, to come back to after a full-page OAuth redirect. */
function returnUrl(attemptId: string, integ: Integration): string {
  const u = new URL(location.href);
  u.hash = '';
  for (const k of RETURN_PARAMS) u.searchParams.delete(k);
  u.searchParams.set('attempt', attemptId);
  u.searchParams.set('integration', integ.integration_id);
  return u.href;
}

async function startOAuth(
  integ: Integration,
  rc: ResolvedConfig,
  values: Record<string, string>,
  v: number,
  setBusy: (on: boolean, text?: string) => void,
  showError: (problem: Problem) => void,
): Promise<void> {
  let attemptId: string | undefined;
  try {
    attemptId = (await api.send<{ id?: string }>('POST', '/hub/connection_attempts', { token }))?.id;
  } catch (e) {
    if (e instanceof AuthError) throw e;
    attemptId = undefined;
  }
  if (v !== view) return;
  if (!attemptId) {
    setBusy(false);
    return showError({ line: 'We could not start the sign-in. Please try again.' });
  }
  const w = 600;
  const hgt = 760;
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - w) / 2));
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - hgt) / 2));
  const callback = `${location.origin}/embedded/accounts/callback`;
  let url: string | undefined;
  try {
    url = await launchUrl(integ, attemptId, callback, values);
  } catch (e) {
    if (e instanceof AuthError) throw e;
    setBusy(false);
    return showError(apiProblem(e, rc.name));
  }
  if (v !== view) return;
  if (!url) {
    setBusy(false);
    return showError({ line: 'We could not start the sign-in. Please try again.' });
  }
  const popup = window.open(url, 'switchboard-connect', `width=${w},height=${hgt},left=${left},top=${top}`);
  if (!popup) {
    if (!framed) {
      // Pop-up blocked: take the whole page through the provider and come back here.
      setBusy(true, 'Redirecting…');
      announce(`Your browser blocked the sign-in window. Continuing to ${rc.name} in this tab…`);
      const here = await launchUrl(integ, attemptId, returnUrl(attemptId, integ), values).catch(
        () => undefined,
      );
      if (here) location.assign(here);
      else {
        setBusy(false);
        showError({ line: 'We could not start the sign-in. Please try again.' });
      }
      return;
    }
    void api.send('DELETE', `/hub/connection_attempts/${enc(attemptId)}`).catch(() => undefined);
    setBusy(false);
    return showError({
      line: 'Your browser blocked the sign-in window. Allow pop-ups for this site, then press Connect again.',
    });
  }
  waiting({ integ, name: rc.name, attemptId, popup, startedAt: Date.now() });
}

function waiting(p: Pending): void {
  let timer = 0;
  let watch = 0;
  let inFlight = false;
  let stopped = false;
  let closing = false;
  const attemptPath = `/hub/connection_attempts/${enc(p.attemptId)}`;
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(watch);
    window.removeEventListener('message', onMessage);
    try {
      p.popup?.close();
    } catch {
      /* cross-origin or already closed */
    }
  };
  const discard = (): void => void api.send('DELETE', attemptPath).catch(() => undefined);
  // The callback page posts to its opener (us): check right away instead of waiting for the next poll.
  const onMessage = (e: MessageEvent): void => {
    if (e.source === p.popup && e.origin === location.origin && !inFlight && !stopped && !closing) {
      clearTimeout(timer);
      void tick();
    }
  };

  const cancel = h(
    'button',
    { type: 'button', class: 'btn btn-secondary', 'data-testid': 'cancel' },
    'Cancel',
  );
  const reopen = p.popup
    ? h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary',
          'data-testid': 'show-window',
          onClick: () => p.popup?.focus(),
        },
        'Show the sign-in window',
      )
    : null;
  const hint = h(
    'p',
    { class: 'muted' },
    p.popup
      ? `Finish signing in to ${p.name} in the window that opened.`
      : `Checking your ${p.name} sign-in…`,
  );
  const v = mount(
    `Waiting for ${p.name}`,
    h(
      'div',
      { class: 'state', 'data-testid': 'waiting', 'data-attempt-id': p.attemptId },
      h('div', { class: 'spinner', role: 'presentation' }),
      heading(`Waiting for ${p.name}…`),
      hint,
      h('div', { class: 'actions' }, reopen, cancel),
    ),
  );
  announce(`Waiting for ${p.name}`);
  const userCancel = (): void => {
    stop();
    discard();
    void connector(p.integ);
  };
  cancel.addEventListener('click', userCancel);
  onEscape = () => {
    userCancel();
    return true;
  };
  window.addEventListener('message', onMessage);

  /** Ends the wait on a final status; false while the attempt is still pending. */
  function settle(r: Attempt | null): boolean {
    const status = r?.status;
    if (status === 'authenticated' && r?.account?.id) {
      stop();
      drafts.delete(p.integ.integration_id);
      success(p.name, { id: r.account.id, provider: p.integ.provider });
      return true;
    }
    if (status === 'error') {
      stop();
      oauthError(p, r?.error ?? null);
      return true;
    }
    if (status === 'expired') {
      stop();
      void connector(p.integ, {
        kind: 'warning',
        problem: { line: 'The sign-in took too long and expired. Press Connect to try again.' },
      });
      return true;
    }
    return false;
  }

  /**
   * The window is gone. Our callback page closes it itself after a success or an error, so the
   * attempt is read once more before anything is cancelled; the DELETE only cancels a pending
   * attempt and answers with the attempt as it is, so a sign-in that finished in between is
   * still reported as what it was, never as cancelled.
   */
  async function windowClosed(): Promise<void> {
    closing = true;
    clearTimeout(timer);
    const seen = await api.get<Attempt>(attemptPath).catch(() => null);
    if (stopped || v !== view || settle(seen)) return;
    const after = await api.send<Attempt>('DELETE', attemptPath).catch(() => null);
    if (stopped || v !== view || settle(after)) return;
    stop();
    void connector(p.integ, {
      kind: 'warning',
      problem: {
        line: `The sign-in window was closed before you finished signing in to ${p.name}. Press Connect to try again.`,
      },
    });
  }

  async function tick(): Promise<void> {
    if (stopped || v !== view) return stop();
    if (closing) return;
    if (Date.now() - p.startedAt > TIMEOUT_MS) {
      stop();
      discard();
      return void connector(p.integ, {
        kind: 'warning',
        problem: { line: 'The sign-in timed out. Press Connect to try again.' },
      });
    }
    inFlight = true;
    let r: Attempt | null = null;
    try {
      r = await api.get<Attempt>(attemptPath);
    } catch (e) {
      if (e instanceof AuthError && !stopped && v === view) {
        stop();
        return expired();
      }
      r = null; // transient: poll again
    } finally {
      inFlight = false;
    }
    if (stopped || v !== view || closing) return;
    if (settle(r)) return;
    if (r?.status === 'cancelled') {
      stop();
      return void connector(p.integ);
    }
    timer = window.setTimeout(() => void tick(), POLL_MS);
  }
  timer = window.setTimeout(() => void tick(), p.popup ? POLL_MS : 0);

  const popup = p.popup;
  if (popup) {
    watch = window.setInterval(() => {
      if (stopped || closing || !popup.closed) return;
      clearInterval(watch);
      if (Date.now() - p.startedAt < ISOLATED_WITHIN_MS) {
        // Cut off by the provider's opener policy (see ISOLATED_WITHIN_MS): polling still ends the wait.
        hint.textContent = `Finish signing in to ${p.name} in the other window. If you closed it, press Cancel.`;
        reopen?.remove();
        return;
      }
      void windowClosed();
    }, CLOSE_CHECK_MS);
  }
}

function oauthError(p: Pending, err: Attempt['error']): void {
  errorState(
    `Could not connect ${p.name}`,
    oauthProblem(err?.code, err?.description, p.name),
    () => void connector(p.integ),
  );
}

/* ---------- success ---------- */

function success(name: string, acct: { id: string; provider: string }): void {
  const canClose = framed || !!window.opener;
  const another = editAccountId === undefined && active.length > 1;
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
                    onClick: () => list(),
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

/* ---------- start ---------- */

function integrationFor(acc: AccountData): Integration {
  const base =
    integrations.find((i) => i.integration_id === acc.integrationId) ??
    integrations.find((i) => i.provider === acc.provider);
  return {
    ...(base ?? { name: acc.provider, active: true, type: '' }),
    integration_id: acc.integrationId,
    provider: acc.provider,
  };
}

async function boot(): Promise<void> {
  if (!token) return expired();
  loading('Loading…');
  try {
    const [settings, hub] = await Promise.all([
      api
        .get<{ enabled_features?: string[]; existing_account_id?: string }>('/hub/settings')
        .catch((e: unknown) => {
          if (e instanceof AuthError) throw e;
          return null; // settings are optional
        }),
      api.get<HubData>('/hub/connectors'),
    ]);
    integrations = hub && Array.isArray(hub.integrations) ? hub.integrations : [];
    active = integrations.filter((i) => i.active && i.name);
    externalTriggerToken = hub?.external_trigger_token;

    if (settings?.existing_account_id) {
      const acc = await api.get<AccountData>(`/hub/accounts/${enc(settings.existing_account_id)}`);
      if (acc?.integrationId) {
        editAccountId = settings.existing_account_id;
        account = acc;
      }
    }

    const attemptId = params.get('attempt');
    if (attemptId) {
      // Back from a full-page OAuth redirect: forget the return parameters, then check the attempt.
      const iid = params.get('integration');
      const clean = new URL(location.href);
      for (const k of RETURN_PARAMS) clean.searchParams.delete(k);
      history.replaceState(null, '', clean.href);
      const integ: Integration = integrations.find((i) => i.integration_id === iid) ??
        (account ? integrationFor(account) : undefined) ?? {
          integration_id: iid ?? '',
          provider: params.get('provider') ?? '',
          name: 'your account',
          active: true,
          type: '',
        };
      let name = integ.name;
      const cfg =
        configs.get(integ.integration_id) ?? (await loadConfig(integ.integration_id).catch(() => null));
      if (cfg?.name) name = cfg.name;
      return waiting({ integ, name, attemptId, popup: null, startedAt: Date.now() });
    }

    if (account) return void connector(integrationFor(account));
    const only = active.length === 1 ? active[0] : undefined;
    if (only) return void connector(only);
    list();
  } catch (e) {
    fail(e, () => void boot());
  }
}

void boot();
