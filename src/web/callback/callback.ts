/**
 * OAuth pop-up landing page: /embedded/accounts/callback?status=success|error&account_id=&provider=&error=&error_description=
 * Shows the outcome in the end user's words (the provider's answer behind "Details"), tells the
 * opener (the Hub) and closes itself.
 */
import { oauthProblem } from '../shared/oauth-words.js';

const q = new URLSearchParams(location.search);
const ok = q.get('status') === 'success';
const accountId = q.get('account_id') ?? '';
const provider = q.get('provider') ?? '';
const error = q.get('error') || 'error';
const description = q.get('error_description') ?? '';

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
const appName = /^[a-z]+$/.test(provider) ? provider[0]!.toUpperCase() + provider.slice(1) : 'the app';
const problem = oauthProblem(error, description, appName);
root.replaceChildren(
  badge,
  el('h1', '', ok ? 'Account connected' : 'Could not connect your account'),
  el('p', 'muted', ok ? 'You can close this window.' : problem.line),
);
if (!ok) {
  if (problem.detail) {
    const more = el('details', 'details');
    more.append(el('summary', '', 'Details'), el('p', 'details-text', problem.detail));
    root.append(more);
  }
  root.append(el('p', 'muted', 'You can close this window and go back to where you started.'));
}
document.title = `${ok ? 'Account connected' : 'Connection failed'} · Switchboard`;

const opener = window.opener as Window | null;
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
