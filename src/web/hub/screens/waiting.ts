/** Waiting for the OAuth sign-in in its window to finish, be cancelled, or time out. */
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n/i18n.js';
import { AuthError, type Attempt } from '../api.js';
import { oauthProblem } from '../problems.js';
import {
  POLL_MS,
  TIMEOUT_MS,
  CLOSE_CHECK_MS,
  ISOLATED_WITHIN_MS,
  api,
  enc,
  ctx,
  drafts,
  mount,
  announce,
  heading,
  type Pending,
  show,
} from '../app.js';

export function waiting(p: Pending): void {
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
    t('wait.cancel'),
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
        t('wait.showWindow'),
      )
    : null;
  const hint = h(
    'p',
    { class: 'muted' },
    p.popup ? t('wait.finishInWindow', { name: p.name }) : t('wait.checking', { name: p.name }),
  );
  const v = mount(
    t('wait.title', { name: p.name }),
    h(
      'div',
      { class: 'state', 'data-testid': 'waiting', 'data-attempt-id': p.attemptId },
      h('div', { class: 'spinner', role: 'presentation' }),
      heading(t('wait.heading', { name: p.name })),
      hint,
      h('div', { class: 'actions' }, reopen, cancel),
    ),
  );
  announce(t('wait.title', { name: p.name }));
  const userCancel = (): void => {
    stop();
    discard();
    show({ kind: 'connector', integ: p.integ });
  };
  cancel.addEventListener('click', userCancel);
  ctx.onEscape = () => {
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
      show({ kind: 'success', name: p.name, account: { id: r.account.id, provider: p.integ.provider } });
      return true;
    }
    if (status === 'error') {
      stop();
      oauthError(p, r?.error ?? null);
      return true;
    }
    if (status === 'expired') {
      stop();
      show({
        kind: 'connector',
        integ: p.integ,
        flash: {
          kind: 'warning',
          problem: { line: t('wait.expired') },
        },
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
    if (stopped || v.aborted || settle(seen)) return;
    const after = await api.send<Attempt>('DELETE', attemptPath).catch(() => null);
    if (stopped || v.aborted || settle(after)) return;
    stop();
    show({
      kind: 'connector',
      integ: p.integ,
      flash: {
        kind: 'warning',
        problem: { line: t('wait.closed', { name: p.name }) },
      },
    });
  }

  async function tick(): Promise<void> {
    if (stopped || v.aborted) return stop();
    if (closing) return;
    if (Date.now() - p.startedAt > TIMEOUT_MS) {
      stop();
      discard();
      return show({
        kind: 'connector',
        integ: p.integ,
        flash: {
          kind: 'warning',
          problem: { line: t('wait.timedOut') },
        },
      });
    }
    inFlight = true;
    let r: Attempt | null = null;
    try {
      r = await api.get<Attempt>(attemptPath);
    } catch (e) {
      if (e instanceof AuthError && !stopped && !v.aborted) {
        stop();
        return show({ kind: 'ended' });
      }
      r = null; // transient: poll again
    } finally {
      inFlight = false;
    }
    if (stopped || v.aborted || closing) return;
    if (settle(r)) return;
    if (r?.status === 'cancelled') {
      stop();
      return show({ kind: 'connector', integ: p.integ });
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
        hint.textContent = t('wait.otherWindow', { name: p.name });
        reopen?.remove();
        return;
      }
      void windowClosed();
    }, CLOSE_CHECK_MS);
  }
}

export function oauthError(p: Pending, err: Attempt['error']): void {
  show({
    kind: 'error',
    title: t('wait.failedTitle', { name: p.name }),
    problem: oauthProblem(err?.code, err?.description, p.name),
    retry: () => show({ kind: 'connector', integ: p.integ }),
  });
}
