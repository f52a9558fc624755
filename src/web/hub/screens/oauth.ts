/** Starting an OAuth sign-in: the attempt, the launch URL, the popup or a full-page redirect. */
import { AuthError, type Integration } from '../api.js';
import { t } from '../../shared/i18n/i18n.js';
import type { ResolvedConfig } from '../form.js';
import { apiProblem, type Problem } from '../problems.js';
import { RETURN_PARAMS, token, api, framed, enc, announce, show } from '../app.js';
import { callbackLook } from '../brand.js';

/**
 * The popup's address: a one-time launch id. The end user's fields (a client secret among them)
 * and the session token go to the server in a request body, never into a URL that browser
 * history or a proxy's access log would keep.
 */
export async function launchUrl(
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
export function returnUrl(attemptId: string, integ: Integration): string {
  const u = new URL(location.href);
  u.hash = '';
  for (const k of RETURN_PARAMS) u.searchParams.delete(k);
  u.searchParams.set('attempt', attemptId);
  u.searchParams.set('integration', integ.integration_id);
  return u.href;
}

export async function startOAuth(
  integ: Integration,
  rc: ResolvedConfig,
  values: Record<string, string>,
  v: AbortSignal,
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
  if (v.aborted) return;
  if (!attemptId) {
    setBusy(false);
    return showError({ line: t('start.failed') });
  }
  const w = 600;
  const hgt = 760;
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - w) / 2));
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - hgt) / 2));
  const callback = `${location.origin}/embedded/accounts/callback?${callbackLook()}`;
  let url: string | undefined;
  try {
    url = await launchUrl(integ, attemptId, callback, values);
  } catch (e) {
    if (e instanceof AuthError) throw e;
    setBusy(false);
    return showError(apiProblem(e, rc.name));
  }
  if (v.aborted) return;
  if (!url) {
    setBusy(false);
    return showError({ line: t('start.failed') });
  }
  const popup = window.open(url, 'switchboard-connect', `width=${w},height=${hgt},left=${left},top=${top}`);
  if (!popup) {
    if (!framed) {
      // Pop-up blocked: take the whole page through the provider and come back here.
      setBusy(true, t('form.redirecting'));
      announce(t('start.blockedRedirect', { name: rc.name }));
      const here = await launchUrl(integ, attemptId, returnUrl(attemptId, integ), values).catch(
        () => undefined,
      );
      if (here) location.assign(here);
      else {
        setBusy(false);
        showError({ line: t('start.failed') });
      }
      return;
    }
    void api.send('DELETE', `/hub/connection_attempts/${enc(attemptId)}`).catch(() => undefined);
    setBusy(false);
    return showError({
      line: t('start.blocked'),
    });
  }
  show({ kind: 'waiting', pending: { integ, name: rc.name, attemptId, popup, startedAt: Date.now() } });
}
