import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../../core/deps.js';
import { AppError, invalidInput } from '../../../core/errors.js';
import { beginOAuth, checkReturnTo } from '../../../core/linking/oauth2/authorize.js';
import { completeOAuth, type CallbackOutcome } from '../../../core/linking/oauth2/callback.js';
import { choiceCookieName, viewChoice } from '../../../core/linking/oauth2/choice.js';
import { answerChoice } from '../../../core/linking/oauth2/answer-choice.js';
import { authenticateSessionToken } from '../../../core/linking/connect-sessions.js';
import { finishAttempt, getAttempt } from '../../../core/linking/connection-attempts.js';
import { toAppError } from '../../errors.js';
import { readCookie } from '../../admin-cookie.js';
import { servesHttps } from '../../../core/deps.js';
import { linkChoiceAnswer } from '../../../contract/hub.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A small page for popup errors we cannot send back to the Hub (no valid session or state). It
 * speaks to the end user: one plain line and what to do next; the server's own message is kept
 * behind "Details" for whoever helps them.
 */
function errorPage(reply: FastifyReply, status: number, message: string, plain?: string) {
  const line =
    plain ??
    (status === 401
      ? 'This link has expired or is not valid. Ask the company that sent you this link for a new one.'
      : status >= 500
        ? 'Something went wrong on our side. Close this window and try again in a few minutes.'
        : 'This sign-in could not start or finish. Close this window and press Connect again. If it keeps happening, contact the company that sent you this link.');
  const details =
    status === 401 || plain
      ? ''
      : `<details><summary>Details</summary><p>${escapeHtml(message)}</p></details>`;
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Could not connect your account</title>` +
        `<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#1f2328}h1{font-size:1.25rem}summary{cursor:pointer;min-height:24px}details p{color:#59636e;font-size:14px;overflow-wrap:anywhere}</style></head>` +
        `<body><main><h1>Could not connect your account</h1><p role="alert">${escapeHtml(line)}</p>${details}</main></body></html>`,
    );
}

function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * The cookie binding an OAuth state to this browser. SameSite=Lax: the provider's redirect back
 * is a cross-site top-level navigation, which Lax cookies accompany; scripts never see it.
 */
function setBrowserCookie(reply: FastifyReply, deps: Deps, name: string, value: string, maxAgeS: number) {
  const https = servesHttps(deps);
  const attrs = [
    `${name}=${value}`,
    `Path=${https ? '/' : '/connect/oauth2/'}`,
    `Max-Age=${maxAgeS}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (https) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}

/** One query parameter given once as text; a repeated or missing one counts as absent. */
const param = z.string().optional().catch(undefined);

/**
 * The provider's redirect to the callback (RFC 6749 §4.1.2, RFC 9207 `iss`), plus the parameters
 * that make the exchange refuse it (`response`, `id_token`, `token`). The whole query, as
 * received, goes on beside it for the connector's `callback_params` and `callback_hmac`.
 */
const callbackQuery = z.object({
  state: z.string().min(1).max(256),
  code: param,
  error: param,
  error_description: param,
  iss: param,
  response: param,
  id_token: param,
  token: param,
});

/**
 * Where the sign-in window goes after the callback or a choice: the return page with the outcome,
 * or the chooser (with the cookie that binds the choice to this browser).
 */
function nextPage(reply: FastifyReply, deps: Deps, outcome: CallbackOutcome): string {
  if (outcome.ok === 'choose') {
    const { name, value, maxAgeS } = outcome.choice.cookie;
    setBrowserCookie(reply, deps, name, value, maxAgeS);
    return outcome.choice.url;
  }
  if (outcome.ok)
    return withParams(outcome.returnTo, {
      status: 'success',
      account_id: outcome.result.account.id,
      provider: outcome.provider,
    });
  return withParams(outcome.returnTo, {
    status: 'error',
    provider: outcome.provider,
    error: outcome.code,
    error_description: outcome.description,
  });
}

/**
 * The account chooser of a sign-in that found several accounts (`choice.ts`): what to choose
 * from, and the answer. Only the browser that signed in holds the choice's cookie; a choice is
 * answered once. Errors are JSON in the API's shape, for the callback page to put in words.
 */
function choiceRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Params: { id: string } }>('/connect/oauth2/choices/:id', async (req, reply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return viewChoice(
      deps,
      req.params.id,
      readCookie(req, choiceCookieName(req.params.id, servesHttps(deps))),
    );
  });
  app.post<{ Params: { id: string } }>('/connect/oauth2/choices/:id', async (req, reply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const answer = linkChoiceAnswer.safeParse(req.body);
    if (!answer.success) throw invalidInput('Send {"option": <index>} or {"cancel": true}');
    const cookie = choiceCookieName(req.params.id, servesHttps(deps));
    const outcome = await answerChoice(deps, req.params.id, readCookie(req, cookie), answer.data);
    // Used once: the browser forgets it.
    setBrowserCookie(reply, deps, cookie, '', 0);
    return { redirect: nextPage(reply, deps, outcome) };
  });
}

/** The OAuth popup: `/connect/oauth2/{integration_id}` → provider → `/connect/oauth2/{provider}/callback`. */
export function oauthRoutes(app: FastifyInstance, deps: Deps) {
  choiceRoutes(app, deps);
  app.get<{ Params: { integrationId: string }; Querystring: Record<string, unknown> }>(
    '/connect/oauth2/:integrationId',
    async (req, reply) => {
      reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
      try {
        const begun = await beginOAuth(deps, req.params.integrationId, req.query);
        if (begun.refused) {
          // The provider would show its own error page; ours says what to do instead.
          return reply.redirect(
            withParams(begun.returnTo, {
              status: 'error',
              provider: begun.provider,
              error: begun.code,
              error_description: begun.description,
            }),
            302,
          );
        }
        setBrowserCookie(
          reply,
          deps,
          begun.browserCookie.name,
          begun.browserCookie.value,
          begun.browserCookie.maxAgeS,
        );
        return reply.redirect(begun.authorizeUrl, 302);
      } catch (err) {
        const e = toAppError(err);
        if (e.status >= 500) req.log.error({ err }, 'oauth begin failed');
        // With a valid session and a Hub callback page, send the popup back there with the error
        // (the attempt, when there is one, has already been marked); otherwise show it here.
        const session = await authenticateSessionToken(deps, req.query.token).catch(() => null);
        let returnTo: string | null = null;
        try {
          returnTo = session ? checkReturnTo(deps, req.query.redirect_uri) : null;
        } catch {
          returnTo = null;
        }
        // Only an attempt of this very session is ended, and only then is the popup sent back to the
        // caller's page: a request without one gets our page (no open redirect for any token holder).
        const attempt =
          session && typeof req.query.connection_attempt_id === 'string'
            ? await getAttempt(deps, session, req.query.connection_attempt_id).catch(() => null)
            : null;
        if (attempt && e.status < 500) {
          await finishAttempt(deps, deps.db, attempt.id, {
            status: 'error',
            code: e.attemptCode,
            description: e.message,
          })
            .then(() => undefined)
            .catch(() => undefined);
        }
        if (attempt && returnTo && e.status < 500 && e.status !== 401 && e.status !== 404) {
          return reply.redirect(
            withParams(returnTo, { status: 'error', error: e.attemptCode, error_description: e.message }),
            302,
          );
        }
        // A spent or expired launch id is our own window's, not the link's: say so plainly.
        const launchGone = e.status === 401 && req.query.launch !== undefined;
        return errorPage(reply, e.status, e.message, launchGone ? e.message : undefined);
      }
    },
  );

  app.get<{ Params: { provider: string }; Querystring: Record<string, unknown> }>(
    '/connect/oauth2/:provider/callback',
    async (req, reply) => {
      reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
      try {
        const query = callbackQuery.safeParse(req.query);
        if (!query.success) throw invalidInput('The authorization response has no state');
        const raw = new URLSearchParams(req.raw.url?.split('?').slice(1).join('?') ?? '');
        const outcome = await completeOAuth(
          deps,
          req.params.provider,
          query.data,
          (name) => {
            const value = readCookie(req, name);
            // Used once: the browser forgets it with the state.
            if (value) setBrowserCookie(reply, deps, name, '', 0);
            return value;
          },
          raw,
        );
        return reply.redirect(nextPage(reply, deps, outcome), 302);
      } catch (err) {
        const e = err instanceof AppError ? err : toAppError(err);
        if (e.status >= 500) req.log.error({ err }, 'oauth callback failed');
        return errorPage(reply, e.status, e.message);
      }
    },
  );
}
