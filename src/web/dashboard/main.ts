/**
 * The project admin's dashboard. Signs in with a project API key (the server answers with an
 * httpOnly session cookie and a CSRF token), then drives the platform API with that cookie.
 */
import { h, icon } from './dom.js';
import { ApiError, call, get, setCsrfToken, whenSignedOut, type Session } from './api.js';
import { BASE, currentRoute, navigate, onNavigate, type Route } from './router.js';
import { resource } from './resource.js';
import { forget } from './store.js';
import {
  alertBox,
  button,
  errorBlock,
  pageHeader,
  loadingBlock,
  message,
  toast,
  withProgress,
} from './ui.js';
import { field, textInput } from './forms.js';
import type { View } from './view.js';
import { accountsPage } from './pages/accounts.js';
import { accountPage } from './pages/account.js';
import { connectorPage, connectorsPage } from './pages/connectors.js';
import { profileFormPage } from './pages/profile-form.js';
import { webhookPage, webhooksPage } from './pages/webhooks.js';
import { logPage, logsPage } from './pages/logs.js';
import { activityPage } from './pages/activity.js';
import { attemptsPage } from './pages/attempts.js';
import { feedbackPage } from './pages/feedback.js';
import { brandingPage } from './pages/branding.js';

const root = document.getElementById('root') as HTMLElement;
let session: Session | null = null;
let shell: {
  main: HTMLElement;
  nav: HTMLElement;
  closeMenu(): void;
  show: ReturnType<typeof pages>;
} | null = null;
/** Aborted at sign-out: the page on screen stops loading. */
let signedIn = new AbortController();
let firstRender = true;

const SECTIONS = [
  { key: 'accounts', label: 'Accounts', icon: 'users' },
  { key: 'attempts', label: 'Link attempts', icon: 'alert' },
  { key: 'connectors', label: 'Connector profiles', icon: 'plug' },
  { key: 'webhooks', label: 'Webhooks', icon: 'webhook' },
  { key: 'logs', label: 'Request logs', icon: 'list' },
  { key: 'activity', label: 'API activity', icon: 'activity' },
  { key: 'feedback', label: 'Tool feedback', icon: 'message' },
  { key: 'branding', label: 'Branding', icon: 'brush' },
] as const;

type Renderer = (v: View, ...ids: string[]) => Promise<void>;

/** Which page a path shows: `/dashboard/<section>[/<id>[/<sub>/<id>]]`. */
function pageFor(parts: string[]): { section: string; render: Renderer; args: string[] } | null {
  const [section = 'accounts', id, sub, subId] = parts;
  if (section === 'accounts')
    return id ? { section, render: accountPage, args: [id] } : { section, render: accountsPage, args: [] };
  if (section === 'connectors') {
    if (!id) return { section, render: connectorsPage, args: [] };
    if (sub === 'new') return { section, render: (v, p) => profileFormPage(v, p!), args: [id] };
    if (sub === 'profiles' && subId)
      return { section, render: (v, p, pid) => profileFormPage(v, p!, pid), args: [id, subId] };
    return { section, render: connectorPage, args: [id] };
  }
  if (section === 'webhooks')
    return id ? { section, render: webhookPage, args: [id] } : { section, render: webhooksPage, args: [] };
  if (section === 'logs')
    return id ? { section, render: logPage, args: [id] } : { section, render: logsPage, args: [] };
  if (section === 'activity' && !id) return { section, render: activityPage, args: [] };
  if (section === 'attempts' && !id) return { section, render: attemptsPage, args: [] };
  if (section === 'feedback' && !id) return { section, render: feedbackPage, args: [] };
  if (section === 'branding' && !id) return { section, render: brandingPage, args: [] };
  return null;
}

function buildShell(s: Session) {
  const main = h('main', { id: 'main', class: 'main' });
  const navList = h(
    'ul',
    null,
    ...SECTIONS.map((sec) =>
      h(
        'li',
        null,
        h(
          'a',
          { href: `${BASE}/${sec.key}`, 'data-section': sec.key, 'data-testid': `nav-${sec.key}` },
          icon(sec.icon),
          sec.label,
        ),
      ),
    ),
  );
  const signOut = button('Sign out', { variant: 'ghost', icon: 'logout', testid: 'sign-out', small: true });
  signOut.addEventListener(
    'click',
    () =>
      void withProgress(signOut, 'Signing out…', () => call('DELETE', '/dashboard/api/session'))
        .then(() => showSignIn('You are signed out.'))
        .catch((e: unknown) => toast(message(e), 'error')),
  );
  const menu = button('Menu', { variant: 'ghost', icon: 'menu', small: true, testid: 'menu-toggle' });
  menu.classList.add('menu-toggle');
  menu.setAttribute('aria-expanded', 'false');
  menu.setAttribute('aria-controls', 'sidebar-nav');
  const nav = h(
    'div',
    { class: 'sidebar-body', id: 'sidebar-nav' },
    h('nav', { 'aria-label': 'Main' }, navList),
    h(
      'div',
      { class: 'sidebar-foot' },
      h('p', { class: 'muted small' }, 'Project ', h('code', { 'data-testid': 'project-id' }, s.project_id)),
      signOut,
    ),
  );
  const closeMenu = () => {
    menu.setAttribute('aria-expanded', 'false');
    nav.classList.remove('open');
  };
  menu.addEventListener('click', () => {
    const open = menu.getAttribute('aria-expanded') !== 'true';
    menu.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  // Lands on the page title (focusable, tabindex -1) so the next Tab is the page's first control.
  const skipToContent = (e: Event) => {
    e.preventDefault();
    main.querySelector<HTMLElement>('h1')?.focus();
  };
  root.replaceChildren(
    h(
      'a',
      { href: '#main', class: 'skip-link', 'data-testid': 'skip-link', onClick: skipToContent },
      'Skip to content',
    ),
    h(
      'div',
      { class: 'layout' },
      h(
        'header',
        { class: 'sidebar' },
        h(
          'div',
          { class: 'sidebar-top' },
          h(
            'a',
            { href: `${BASE}/accounts`, class: 'brand' },
            h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
            'Switchboard',
          ),
          menu,
        ),
        nav,
      ),
      main,
    ),
  );
  root.removeAttribute('aria-busy');
  return { main, nav: navList, closeMenu, show: pages(main, signedIn.signal) };
}

type Target = ReturnType<typeof pageFor>;

function render(): void {
  if (!session) return;
  shell ??= buildShell(session);
  const route = currentRoute();
  const target = pageFor(route.parts);
  shell.closeMenu();
  for (const a of shell.nav.querySelectorAll<HTMLAnchorElement>('a')) {
    if (a.dataset.section === (target?.section ?? '')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  void shell.show(route, target);
}

/** Shows pages in `main` for one signed-in session: the latest navigation wins. */
function pages(main: HTMLElement, signal: AbortSignal) {
  let route: Route;
  let target: Target;
  const done = () => {
    main.removeAttribute('aria-busy');
    if (!firstRender) main.querySelector<HTMLElement>('h1')?.focus();
    firstRender = false;
  };
  return resource({
    signal,
    pending: () => {
      main.replaceChildren(loadingBlock('Loading…'));
      main.setAttribute('aria-busy', 'true');
    },
    // The page renders into a detached container: the screen changes once it is ready.
    load: async (signal, r: Route, t: Target) => {
      [route, target] = [r, t];
      if (!session || !t) return null;
      const view: View = { main: h('div', { class: 'page' }), route: r, session, signal };
      const page = view.main;
      await t.render(view, ...t.args);
      // Pages keep a reference to their container: hand them the real one for later updates.
      view.main = main;
      return page;
    },
    render: (page) => {
      main.replaceChildren(
        ...(page
          ? page.childNodes
          : [
              alertBox(
                'warn',
                'This page does not exist',
                h('a', { href: `${BASE}/accounts` }, 'Go to Accounts'),
              ),
            ]),
      );
      done();
    },
    error: (e) => {
      // A page about one thing that is not there (an unknown account) leads back to its list.
      const list = SECTIONS.find((sec) => sec.key === target?.section);
      const back =
        list && route.parts.length > 1
          ? { label: `Back to ${list.label}`, href: `${BASE}/${list.key}` }
          : undefined;
      // The page keeps a title (its h1) even when it could not load.
      const notFound = e instanceof ApiError && e.status === 404;
      main.replaceChildren(
        pageHeader(notFound ? message(e) : 'Could not load this page'),
        errorBlock(e, () => render(), back),
      );
      done();
    },
  });
}

function showSignIn(notice?: string): void {
  session = null;
  shell = null;
  signedIn.abort();
  forget();
  setCsrfToken('');
  document.title = 'Sign in · Switchboard';
  const key = field(
    'API key',
    textInput({
      type: 'password',
      name: 'api_key',
      autocomplete: 'current-password',
      required: true,
      'data-testid': 'api-key',
    }),
    {
      hint: 'A project API key: the one printed at the first start, or SWITCHBOARD_API_KEY.',
    },
  );
  const problem = h('div');
  const submit = button('Sign in', { type: 'submit', variant: 'primary', testid: 'sign-in' });
  submit.classList.add('btn-block');
  const form = h('form', { class: 'form', novalidate: true }, key.row, problem, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    problem.replaceChildren();
    const value = key.control.value.trim();
    key.setError(value ? null : 'Enter your API key');
    if (!value) return key.control.focus();
    void withProgress(submit, 'Signing in…', async () => {
      try {
        start(await call<Session>('POST', '/dashboard/api/session', { api_key: value }));
      } catch (err) {
        key.setError(message(err));
        key.control.focus();
      }
    });
  });
  root.replaceChildren(
    h(
      'main',
      { class: 'signin', id: 'main' },
      h(
        'div',
        { class: 'signin-card card' },
        h('p', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Switchboard'),
        h('h1', { tabindex: '-1', 'data-testid': 'page-title' }, 'Sign in to the dashboard'),
        notice ? alertBox('info', notice) : null,
        form,
        h(
          'p',
          { class: 'hint' },
          'You stay signed in for 12 hours on this browser. The session ends when you sign out or the key is revoked.',
        ),
      ),
    ),
  );
  root.removeAttribute('aria-busy');
  key.control.focus();
}

function start(s: Session): void {
  session = s;
  signedIn = new AbortController();
  setCsrfToken(s.csrf_token);
  if (location.pathname === BASE || location.pathname === `${BASE}/`)
    navigate(`${BASE}/accounts`, { replace: true });
  else render();
}

whenSignedOut(() => {
  if (session) showSignIn('Your session has ended: sign in again.');
});
onNavigate(render);
get<Session>('/dashboard/api/session')
  .then(start)
  .catch(() => showSignIn());
