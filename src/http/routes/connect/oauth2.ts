import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { AppError } from '../../../core/errors.js';
import { beginOAuth, checkReturnTo, completeOAuth } from '../../../core/oauth2.js';
import { authenticateSessionToken } from '../../../core/connect-sessions.js';
import { finishAttempt } from '../../../core/connection-attempts.js';
import { toAppError } from '../../errors.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page for popup errors we cannot send back to the Hub (no valid session or state). */
function errorPage(reply: FastifyReply, status: number, message: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Connection failed</title>` +
        `<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#1f2328}h1{font-size:1.25rem}</style></head>` +
        `<body><h1>Connection failed</h1><p role="alert">${escapeHtml(message)}</p><p>You can close this window and start again.</p></body></html>`,
    );
}

function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** The OAuth popup: `/connect/oauth2/{integration_id}` → provider → `/connect/oauth2/{provider}/callback`. */
export function oauthRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Params: { integrationId: string }; Querystring: Record<string, unknown> }>('/connect/oauth2/:integrationId', async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    try {
      const begun = await beginOAuth(deps, req.params.integrationId, req.query);
      if (begun.refused) {
        // The provider would show its own error page; ours says what to do instead.
        return reply.redirect(withParams(begun.returnTo, { status: 'error', provider: begun.provider, error: begun.code, error_description: begun.description }), 302);
      }
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
      if (session && typeof req.query.connection_attempt_id === 'string' && e.status < 500) {
        await finishAttempt(deps, deps.db, req.query.connection_attempt_id, { status: 'error', code: e.code, description: e.message })
          .then(() => undefined)
          .catch(() => undefined);
      }
      if (returnTo && e.status < 500 && e.status !== 401 && e.status !== 404) {
        return reply.redirect(withParams(returnTo, { status: 'error', error: e.code, error_description: e.message }), 302);
      }
      return errorPage(reply, e.status, e.status === 401 ? 'This link has expired or is invalid. Ask for a new link.' : e.message);
    }
  });

  app.get<{ Params: { provider: string }; Querystring: Record<string, unknown> }>('/connect/oauth2/:provider/callback', async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    try {
      const outcome = await completeOAuth(deps, req.params.provider, req.query);
      if (outcome.ok) {
        return reply.redirect(withParams(outcome.returnTo, { status: 'success', account_id: outcome.result.account.id, provider: outcome.provider }), 302);
      }
      return reply.redirect(withParams(outcome.returnTo, { status: 'error', provider: outcome.provider, error: outcome.code, error_description: outcome.description }), 302);
    } catch (err) {
      const e = err instanceof AppError ? err : toAppError(err);
      if (e.status >= 500) req.log.error({ err }, 'oauth callback failed');
      return errorPage(reply, e.status, e.message);
    }
  });
}
