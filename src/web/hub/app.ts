/**
 * What every Hub screen shares: the link's URL parameters and API client, what the link offers,
 * the screen on show (its AbortSignal), the rendering helpers, and `show(screen)`.
 */
import { h, svg, ICONS, type Child } from '../shared/dom.js';
import { createApi, ApiError, type AccountData, type ConnectorConfig, type Integration } from './api.js';
import type { Problem } from './problems.js';
import { renderHeader, titleSuffix } from './brand.js';
import { t } from '../shared/i18n/i18n.js';
import { categoryLabel } from '../../contract/categories.js';

export const POLL_MS = 1500;
export const TIMEOUT_MS = 5 * 60 * 1000;
/** How often the sign-in window is checked: a closed window is noticed within about a second. */
export const CLOSE_CHECK_MS = 400;
/**
 * A window that reads `closed` this soon after opening was most likely cut off from us by the
 * provider's Cross-Origin-Opener-Policy (the opener then sees it as closed while the user is still
 * signing in), not closed by a person: keep polling instead of cancelling the sign-in.
 */
export const ISOLATED_WITHIN_MS = 2000;
export const RETURN_PARAMS = [
  'attempt',
  'integration',
  'status',
  'account_id',
  'provider',
  'error',
  'error_description',
];

export const params = new URLSearchParams(location.search);
export const token = params.get('token') ?? '';
export const API = apiBase(params.get('api_url'));
export const api = createApi(API, token);
export const framed = window.parent !== window;
if (framed) document.documentElement.classList.add('framed');

/**
 * Escape runs what the current screen set (back to the list, cancel the sign-in); it returns false
 * when it had nothing to do. Then, in connect.js's modal, Escape closes the modal (like its ×).
 */
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  if (ctx.onEscape?.()) e.preventDefault();
  else if (framed && params.get('modal') === '1') window.parent.postMessage({ type: 'CloseModal' }, '*');
});

export const app = document.getElementById('app') as HTMLElement;
export const live = document.getElementById('live') as HTMLElement;
export const enc = encodeURIComponent;

/** The screen on show: aborted when the next one starts, so async work started for it stops. */
let screen = new AbortController();
/** What the link offers, read once at the start, and what the current screen does on Escape. */
export const ctx: {
  integrations: Integration[];
  active: Integration[];
  externalTriggerToken: string | undefined;
  editAccountId: string | undefined;
  account: AccountData | undefined;
  onEscape: (() => boolean) | null;
} = {
  integrations: [],
  active: [],
  externalTriggerToken: undefined,
  editAccountId: undefined,
  account: undefined,
  onEscape: null,
};
export const configs = new Map<string, ConnectorConfig>();
export const listState = { q: '', cat: '', focus: '' };
/**
 * What the user typed in each connector's form, so a closed sign-in window, an error or Back does
 * not make them type it again. Secrets included (a Kustomer client secret is hard to dig out
 * twice), but only in this page's memory: never in localStorage/sessionStorage, the URL or
 * history, which outlive the page and can be read later from the browser profile. The values
 * are gone when the tab closes, and dropped once the account is connected.
 */
export const drafts = new Map<string, Record<string, string>>();

export function apiBase(raw: string | null): string {
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

/** Starts a new screen (before it has anything to show) and returns its signal. */
export function nextScreen(): AbortSignal {
  screen.abort();
  screen = new AbortController();
  return screen.signal;
}

export function mount(title: string, ...children: Child[]): AbortSignal {
  const signal = nextScreen();
  ctx.onEscape = null;
  document.title = `${title} · ${titleSuffix()}`;
  const first = !app.hasChildNodes();
  app.removeAttribute('aria-busy');
  app.replaceChildren();
  for (const c of children) if (c) app.append(c as Node);
  if (!first) app.querySelector<HTMLElement>('h1')?.focus();
  return signal;
}

export function announce(text: string): void {
  live.textContent = '';
  setTimeout(() => (live.textContent = text), 50);
}

export function heading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: '-1' }, text);
}

export function logo(url: string | undefined, name: string, size = 32): HTMLElement {
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

/** A category's label in the page's language; an unknown key as the server sent it. */
export function catLabel(key: string): string {
  const label = t(`category.${key}` as Parameters<typeof t>[0]);
  return label === `category.${key}` ? categoryLabel(key) : label;
}

export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text.trim();
  }
}

/** The evidence (server message, provider answer), closed by default: end users rarely need it. */
export function details(detail: string | undefined): HTMLElement | null {
  if (!detail) return null;
  return h(
    'details',
    { class: 'details', 'data-testid': 'details' },
    h('summary', null, t('details')),
    h('pre', { class: 'provider-response' }, pretty(detail)),
  );
}

export function alertBox(kind: 'error' | 'warning', problem: Problem): HTMLElement {
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
export function focusAlert(el: HTMLElement | null): void {
  el?.focus({ preventScroll: false });
}

export function state(
  testid: string,
  icon: string,
  tone: string,
  title: string,
  ...rest: Child[]
): HTMLElement {
  return h(
    'div',
    { class: 'state', 'data-testid': testid },
    h('div', { class: `badge-icon ${tone}` }, svg(icon, '')),
    heading(title),
    ...rest,
  );
}

export function loading(text: string): AbortSignal {
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

export async function loadConfig(integrationId: string): Promise<ConnectorConfig> {
  const cached = configs.get(integrationId);
  if (cached) return cached;
  const res = await api.get<{ config?: ConnectorConfig }>(`/hub/connectors/${enc(integrationId)}`);
  if (!res?.config || typeof res.config !== 'object')
    throw new ApiError('This integration is not available.', 404); // evidence, behind "Details"
  configs.set(integrationId, res.config);
  return res.config;
}

export interface Flash {
  kind: 'error' | 'warning';
  problem: Problem;
}

export interface Pending {
  integ: Integration;
  name: string;
  attemptId: string;
  popup: Window | null;
  startedAt: number;
}

export function integrationFor(acc: AccountData): Integration {
  const base =
    ctx.integrations.find((i) => i.integration_id === acc.integrationId) ??
    ctx.integrations.find((i) => i.provider === acc.provider);
  return {
    ...(base ?? { name: acc.provider, active: true, type: '' }),
    integration_id: acc.integrationId,
    provider: acc.provider,
  };
}

/** The signal of the screen on show. */
export function currentScreen(): AbortSignal {
  return screen.signal;
}

/** Every screen the Hub shows, and what it needs. */
export type Screen =
  | { kind: 'list' }
  | { kind: 'connector'; integ: Integration; flash?: Flash }
  | { kind: 'waiting'; pending: Pending }
  | { kind: 'success'; name: string; account: { id: string; provider: string } }
  | { kind: 'error'; title: string; problem: Problem; retry: () => void }
  | { kind: 'ended' };

type Screens = { [K in Screen['kind']]: (s: Extract<Screen, { kind: K }>) => void };
let screens: Screens | null = null;

/** Called once at the start with how to show each screen. */
export function defineScreens(s: Screens): void {
  screens = s;
}

/** The one way to change screen. */
export function show(s: Screen): void {
  renderHeader(s.kind === 'connector' ? s.integ.name : undefined);
  (screens![s.kind] as (s: Screen) => void)(s);
}
