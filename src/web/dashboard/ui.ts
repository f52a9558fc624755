/** Dashboard building blocks: buttons with progress, alerts, empty states, badges, tables. (Fields: forms.ts, dialogs: dialog.ts.) */
import { h, icon, type Child } from './dom.js';
import { readableMessage } from './messages.js';
import { ApiError, type Account } from './api.js';

let uid = 0;
export const nextId = (prefix: string): string => `${prefix}-${++uid}`;

/** Says something to screen readers through the page's polite live region. */
export function announce(text: string): void {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  window.setTimeout(() => (live.textContent = text), 50);
}

/** A short confirmation at the bottom of the screen (also read out: the container is a status region). */
export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const box = document.getElementById('toasts');
  if (!box) return;
  const t = h(
    'div',
    { class: `toast toast-${kind}`, 'data-testid': 'toast' },
    icon(kind === 'ok' ? 'check' : 'alert'),
    h('span', null, text),
  );
  box.append(t);
  window.setTimeout(() => t.remove(), 5000);
}

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

export interface ButtonOpts {
  variant?: Variant;
  onClick?: (ev: Event) => void;
  testid?: string;
  icon?: Parameters<typeof icon>[0];
  type?: 'button' | 'submit';
  small?: boolean;
  label?: string;
  disabled?: boolean;
}

export function button(text: Child, o: ButtonOpts = {}): HTMLButtonElement {
  return h(
    'button',
    {
      type: o.type ?? 'button',
      class: `btn btn-${o.variant ?? 'secondary'}${o.small ? ' btn-sm' : ''}`,
      'data-testid': o.testid,
      'aria-label': o.label,
      disabled: o.disabled,
      onClick: o.onClick,
    },
    o.icon ? icon(o.icon) : null,
    h('span', { class: 'btn-text' }, text),
  );
}

export function linkButton(
  text: Child,
  href: string,
  o: Omit<ButtonOpts, 'onClick' | 'type' | 'disabled'> & { external?: boolean } = {},
): HTMLAnchorElement {
  return h(
    'a',
    {
      href,
      class: `btn btn-${o.variant ?? 'secondary'}${o.small ? ' btn-sm' : ''}`,
      'data-testid': o.testid,
      'aria-label': o.label,
      ...(o.external ? { target: '_blank', rel: 'noopener noreferrer' } : {}),
    },
    o.icon ? icon(o.icon) : null,
    h('span', { class: 'btn-text' }, text),
  );
}

export const spinner = (): HTMLSpanElement => h('span', { class: 'spin', 'aria-hidden': 'true' });

/**
 * Runs a long operation from a button: the button shows a spinner and a busy label and is
 * disabled (so a double click sends nothing twice) until the work ends.
 */
export async function withProgress<T>(
  btn: HTMLButtonElement,
  busyText: string,
  work: () => Promise<T>,
): Promise<T> {
  const text = btn.querySelector('.btn-text');
  const before = text?.textContent ?? '';
  // Disabling a focused button drops the focus to <body>: give it back afterwards (keyboard users).
  const hadFocus = document.activeElement === btn;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  btn.prepend(spinner());
  if (text) text.textContent = busyText;
  try {
    return await work();
  } finally {
    btn.querySelector('.spin')?.remove();
    btn.removeAttribute('aria-busy');
    btn.disabled = false;
    if (text) text.textContent = before;
    if (hadFocus && btn.isConnected && (!document.activeElement || document.activeElement === document.body))
      btn.focus();
  }
}

export function heading(text: string): HTMLHeadingElement {
  document.title = `${text} · Switchboard`;
  return h('h1', { tabindex: '-1', 'data-testid': 'page-title' }, text);
}

export function pageHeader(
  title: string,
  subtitle?: Child,
  actions: Child[] = [],
  before?: Child,
): HTMLElement {
  return h(
    'header',
    { class: 'page-header' },
    before,
    h('div', { class: 'page-title' }, heading(title), subtitle ? h('p', { class: 'muted' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, ...actions) : null,
  );
}

export function backLink(text: string, href: string): HTMLAnchorElement {
  return h('a', { href, class: 'back-link' }, icon('back'), text);
}

export function loadingBlock(text: string): HTMLElement {
  return h(
    'div',
    { class: 'loading', role: 'status', 'data-testid': 'loading' },
    spinner(),
    h('span', null, text),
  );
}

export function alertBox(kind: 'error' | 'info' | 'warn' | 'ok', title: Child, detail?: Child): HTMLElement {
  return h(
    'div',
    { class: `alert alert-${kind}`, ...(kind === 'error' ? { role: 'alert', 'data-testid': 'error' } : {}) },
    icon(kind === 'ok' ? 'check' : 'alert'),
    h(
      'div',
      null,
      h('p', { class: 'alert-title' }, title),
      detail ? h('div', { class: 'alert-detail' }, detail) : null,
    ),
  );
}

/** What went wrong, in words: a server validation message gets its field's label (see messages.ts). */
export const message = (e: unknown): string =>
  e instanceof Error ? readableMessage(e.message) : 'Something went wrong';

/**
 * A page that could not load. A retry is offered when trying again can help; a 404 or a refused
 * input will fail the same way, so those offer the way back instead (when the page names one).
 */
export function errorBlock(
  e: unknown,
  retry?: () => void,
  back?: { label: string; href: string },
): HTMLElement {
  const status = e instanceof ApiError ? e.status : -1;
  const final = status === 404 || status === 400;
  const title =
    status === 0
      ? 'The server cannot be reached'
      : status === 404
        ? 'Not found'
        : status === 400
          ? 'Check what you entered'
          : 'Could not load this page';
  const box = alertBox('error', title, message(e));
  const action = final
    ? back
      ? linkButton(back.label, back.href, { small: true, icon: 'back', testid: 'error-back' })
      : null
    : retry
      ? button('Try again', { onClick: retry, small: true })
      : null;
  if (action) box.querySelector('div')!.append(h('p', { class: 'alert-actions' }, action));
  return box;
}

export function emptyState(o: {
  icon: Parameters<typeof icon>[0];
  title: string;
  text: Child;
  actions?: Child[];
  testid?: string;
}): HTMLElement {
  return h(
    'section',
    { class: 'empty', 'data-testid': o.testid ?? 'empty-state', 'aria-label': o.title },
    h('div', { class: 'empty-icon' }, icon(o.icon)),
    h('h2', null, o.title),
    h('p', { class: 'muted' }, o.text),
    o.actions?.length ? h('div', { class: 'empty-actions' }, ...o.actions) : null,
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'info';

export function badge(text: string, tone: Tone, testid?: string): HTMLSpanElement {
  return h('span', { class: `badge badge-${tone}`, 'data-testid': testid }, text);
}

export function accountStatus(a: Pick<Account, 'status' | 'status_reasons'>): { text: string; tone: Tone } {
  if (a.status === 'active') return { text: 'Active', tone: 'ok' };
  if (a.status === 'error') return { text: 'Error', tone: 'bad' };
  return a.status_reasons.some((r) => r.code === 'suspended')
    ? { text: 'Suspended', tone: 'warn' }
    : { text: 'Inactive', tone: 'warn' };
}

export function statusBadge(a: Pick<Account, 'status' | 'status_reasons'>): HTMLSpanElement {
  const s = accountStatus(a);
  const b = badge(s.text, s.tone, 'account-status');
  b.dataset.status = a.status;
  return b;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

export function time(iso: string | null | undefined): HTMLElement {
  return iso ? h('time', { datetime: iso, title: iso }, fmtDate(iso)) : h('span', { class: 'muted' }, '—');
}

export function logo(url: string | null | undefined, name: string, size = 24): HTMLElement {
  const initials = (): HTMLElement =>
    h(
      'span',
      { class: `logo logo-${size} logo-fallback`, 'aria-hidden': 'true' },
      (name.trim()[0] ?? '?').toUpperCase(),
    );
  if (!url) return initials();
  const img = h('img', { class: `logo logo-${size}`, src: url, alt: '', width: size, height: size });
  img.addEventListener('error', () => img.replaceWith(initials()), { once: true });
  return img;
}

/* ---------- data display ---------- */

export function props(items: Array<[string, Child]>, testid?: string): HTMLDListElement {
  return h(
    'dl',
    { class: 'props', 'data-testid': testid },
    ...items.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v ?? '—'))),
  );
}

export interface Column {
  label: string;
  className?: string;
  /** Visually hidden header (e.g. an actions column). */
  hidden?: boolean;
}

/** A table that turns into stacked cards on narrow screens (each cell labelled by its column). */
export function dataTable(caption: string, cols: Column[], rows: Child[][], testid: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table', 'data-testid': testid },
      h('caption', { class: 'sr-only' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...cols.map((c) =>
            h(
              'th',
              { scope: 'col', class: c.className },
              c.hidden ? h('span', { class: 'sr-only' }, c.label) : c.label,
            ),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        ...rows.map((cells) =>
          h(
            'tr',
            null,
            ...cells.map((cell, i) =>
              h(
                'td',
                { class: cols[i]?.className, 'data-label': cols[i]?.hidden ? null : cols[i]?.label },
                cell,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export function card(title: Child, ...children: Child[]): HTMLElement {
  const titleId = nextId('card');
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': titleId },
    h('h2', { class: 'card-title', id: titleId }, title),
    ...children,
  );
}

export function mono(text: string): HTMLElement {
  return h('code', { class: 'mono' }, text);
}

export function pretty(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? '';
}

/** Previous/next pagination with a range summary. */
export function pager(o: {
  summary: string;
  prev: (() => void) | null;
  next: (() => void) | null;
  testid?: string;
}): HTMLElement {
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pagination', 'data-testid': o.testid ?? 'pager' },
    h('p', { class: 'muted', 'aria-live': 'polite' }, o.summary),
    h(
      'div',
      { class: 'pager-buttons' },
      button('Previous', {
        small: true,
        disabled: !o.prev,
        testid: 'page-prev',
        ...(o.prev ? { onClick: o.prev } : {}),
      }),
      button('Next', {
        small: true,
        disabled: !o.next,
        testid: 'page-next',
        ...(o.next ? { onClick: o.next } : {}),
      }),
    ),
  );
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let t = 0;
  return (...args: A) => {
    window.clearTimeout(t);
    t = window.setTimeout(() => fn(...args), ms);
  };
}

const REDACTED = /^__secretvalue:\*\*redacted\*\*(.*)$/;

/** A redacted secret from the API (`__secretvalue:**redacted**abcd`) shown as "•••• abcd". */
export function secretValue(value: string): HTMLElement {
  const m = REDACTED.exec(value);
  if (!m) return mono(value);
  return h(
    'span',
    { class: 'mono', title: 'Hidden: only the last 4 characters are shown' },
    h('span', { 'aria-hidden': 'true' }, '•••• '),
    h('span', { class: 'sr-only' }, 'hidden, ends in '),
    m[1] ?? '',
  );
}
