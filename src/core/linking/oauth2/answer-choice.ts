// The end user's answer to a chooser (see choice.ts): the link goes on from the step that asked.
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { getAttempt, cancelAttempt } from '../connection-attempts.js';
import { sessionById } from './authorize.js';
import { continueLink, failLink, liveProfile, profileTarget, type CallbackOutcome } from './callback.js';
import { gone, openChoice, type SealedChoice } from './choice.js';

/**
 * `POST /connect/oauth2/choices/{id}`: the end user's answer, the index of an option or a cancel.
 * The choice is used once: the first answer wins, and the link goes on with that option's values
 * (more discovery, the test action, the account). A cancel ends the attempt as cancelled.
 */
export async function answerChoice(
  deps: Deps,
  id: string,
  browser: string | null,
  answer: { option: number } | { cancel: true },
): Promise<CallbackOutcome> {
  const row = await openChoice(deps, id, browser);
  const sealed = deps.vault.openJson<SealedChoice>(row.sealed);
  const option = 'option' in answer ? sealed.options[answer.option] : undefined;
  if ('option' in answer && !option)
    throw new AppError('INVALID_INPUT', `option must be one of 0 to ${sealed.options.length - 1}`);
  const used = await deps.db.query(
    'UPDATE link_choices SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING 1',
    [id, deps.clock()],
  );
  if (used.rowCount !== 1) throw gone();
  const session = (await sessionById(deps, row.connect_session_id))!;
  const link = { attemptId: row.attempt_id, returnTo: sealed.return_to, provider: row.provider };
  if (!option) {
    await cancelAttempt(deps, session, row.attempt_id);
    return {
      ok: false,
      ...link,
      code: 'cancelled',
      description: 'The sign-in was cancelled before an account was chosen.',
    };
  }
  const attempt = await getAttempt(deps, session, row.attempt_id);
  if (attempt.status !== 'pending') throw gone();
  const profile = await liveProfile(deps, session, row.connector_profile_id);
  if ('code' in profile) return failLink(deps, link, profile);
  const values = { ...sealed.values, ...option.values };
  const credentials = { ...sealed.credentials, ...values };
  return continueLink(
    deps,
    {
      ...link,
      session,
      profile,
      config: sealed.config,
      target: profileTarget(profile, sealed.config),
    },
    { credentials, expiresAt: sealed.expires_at ? new Date(sealed.expires_at) : null },
    { from: sealed.step + 1, values },
  );
}
