import type { FastifyInstance, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import type { Deps } from '../../../core/deps.js';
import { authenticateSessionToken, type SessionRow } from '../../../core/linking/connect-sessions.js';
import { listProfiles, type ConnectorProfile } from '../../../core/connector-profiles/profiles.js';
import {
  accountToEdit,
  hubAccount,
  linkWithCredentials,
  profileForSession,
  sessionAllowsProfile,
} from '../../../core/linking/link-account.js';
import {
  attemptToWire,
  cancelAttempt,
  createAttempt,
  getAttempt,
} from '../../../core/linking/connection-attempts.js';
import { prepareLaunch } from '../../../core/linking/oauth2/authorize.js';
import { splitSecrets, htmlPattern, isSecretField } from '../../../connectors/fields.js';
import { redact } from '../../../core/vault.js';
import { AppError } from '../../../core/errors.js';
import { manualEventsSetup } from '../../../core/events/account-events.js';
import { hashToken } from '../../../core/ids.js';
import { parseInput } from '../../errors.js';
import { createAuthLimiter } from '../../auth-limiter.js';
import { HUB_BODY_LIMIT } from '../../limits.js';
import { callbackUrl } from '../../../core/linking/oauth2/authorize.js';
import { logoUrl, projectLogoUrl } from '../../public-urls.js';
import { labelColorOn } from '../../../core/projects/contrast.js';
import type { StoredBranding } from '../../../core/projects/branding.js';
import type { HubBranding, HubEventsSetup } from '../../../contract/hub.js';
import type { Field } from '../../../connectors/schema.js';
import { hubAccountBody, hubAttemptBody, hubLaunchBody } from '../../../contract/hub.js';
import { acceptedLanguages, pickLocale } from '../../../contract/locales.js';
import { translateField, translateGuide, translationFor } from '../../../connectors/translations.js';

declare module 'fastify' {
  interface FastifyRequest {
    hubSession?: SessionRow;
  }
}

const sessionOf = (req: FastifyRequest): SessionRow => {
  if (!req.hubSession) throw new AppError('SESSION_TOKEN_INVALID', 'Unauthorized');
  return req.hubSession;
};

/** A connector field as the Hub renders it (the "Falcon" config variant of the hub contract). */
function fieldToHub(f: Field) {
  const pattern = htmlPattern(f);
  return {
    key: f.key,
    label: f.label,
    type: f.type,
    required: f.required,
    secret: isSecretField(f),
    ...(f.placeholder ? { placeholder: f.placeholder } : {}),
    ...(f.description ? { description: f.description } : {}),
    ...(f.default !== undefined ? { value: f.default } : {}),
    ...(f.options ? { options: f.options } : {}),
    ...(pattern
      ? { validation: { type: 'html-pattern', pattern: pattern.pattern, error: pattern.error } }
      : {}),
  };
}

function integrationToHub(deps: Deps, p: ConnectorProfile) {
  // Two profiles of one connector (Salesforce production and sandbox) would both read
  // "Salesforce": a default label names the environment whenever the connector has several.
  const env = p.connector.environments.find((e) => e.key === p.environment);
  const name =
    p.label === p.connector.name && p.connector.environments.length > 1 && env
      ? `${p.label} (${env.label})`
      : p.label;
  return {
    integration_id: p.id,
    provider: p.provider,
    name,
    active: true,
    type: p.connector.categories[0]!,
    version: p.connector.version,
    logo_url: logoUrl(deps, p.connector),
    environment: p.environment,
  };
}

/** `/hub/*`: what the official `@stackone/hub` component and our own Hub page call. */
export function hubRoutes(app: FastifyInstance, deps: Deps) {
  app.register(
    async (hub) => {
      await hub.register(cors, {
        origin: '*',
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['content-type', 'x-hub-session-token', 'x-hub-version'],
        maxAge: 600,
      });
      const limiter = createAuthLimiter();
      // Anyone may call these routes: bodies stay small (a Hub body is ~400 KB at most by its schema).
      hub.addHook('onRoute', (route) => {
        route.bodyLimit ??= HUB_BODY_LIMIT;
      });
      // The session token is checked before the body is read, as the platform API checks its key.
      hub.addHook('onRequest', async (req, reply) => {
        if (req.method === 'OPTIONS') return;
        try {
          req.hubSession = await authenticateSessionToken(deps, req.headers['x-hub-session-token']);
        } catch (err) {
          if (req.headers['x-hub-session-token']) limiter.fail(req, reply);
          throw err;
        }
      });

      hub.get('/settings', async (req) => {
        const s = sessionOf(req);
        const existing = s.account_id
          ? { id: s.account_id }
          : s.provider
            ? await accountToEdit(deps, s, s.provider)
            : null;
        return { enabled_features: [], ...(existing ? { existing_account_id: existing.id } : {}) };
      });

      hub.get<{ Querystring: { provider?: string } }>('/connectors', async (req) => {
        const s = sessionOf(req);
        const only = typeof req.query.provider === 'string' ? req.query.provider : undefined;
        let edited: string | undefined;
        if (s.account_id) edited = (await hubAccount(deps, s, s.account_id).catch(() => null))?.provider;
        const profiles = (
          await listProfiles(deps, { projectId: s.project_id, organizationId: s.organization_id })
        ).filter(
          (p) =>
            sessionAllowsProfile(s, p) &&
            (!only || p.provider === only) &&
            (!edited || p.provider === edited),
        );
        return { integrations: profiles.map((p) => integrationToHub(deps, p)) };
      });

      hub.get<{ Params: { id: string } }>('/connectors/:id', async (req, reply) => {
        const session = sessionOf(req);
        const profile = await profileForSession(deps, session, req.params.id);
        const c = profile.connector;
        // The end user's texts in the Hub's language: the session's, else the browser's (the
        // Hub chooses the same way), English for anything the connector has not translated.
        reply.header('vary', 'accept-language');
        const tr = translationFor(
          c,
          pickLocale([session.locale, ...acceptedLanguages(req.headers['accept-language'])]),
        );
        const texts = translateGuide(c, tr);
        // The end user's guide (never the admin's). The redirect URI is only theirs to register
        // when the OAuth client comes from them (Kustomer); the official Hub ignores `setupGuide`.
        const callback =
          c.auth.type === 'oauth2' && c.auth.grant === 'authorization_code' && c.auth.client_from === 'config'
            ? callbackUrl(deps, c.key)
            : null;
        const fill = (s: string) => s.replaceAll('{callback_url}', callback ?? callbackUrl(deps, c.key));
        const endUser = c.guide.end_user;
        const description = texts.description ? fill(texts.description) : '';
        return {
          config: {
            key: c.key,
            name: profile.label,
            type: c.auth.type === 'oauth2' ? 'oauth2' : 'custom',
            // client_credentials: StackOne's Hub shows the credential form (POST /hub/accounts), not the popup.
            ...(c.auth.type === 'oauth2' ? { grantType: c.auth.grant } : {}),
            configFields: c.config_fields.map((f) => fieldToHub(translateField(f, tr))),
            configNotices: texts.notices,
            assets: { icon: logoUrl(deps, c) },
            support: { link: endUser.support_link ?? null, description },
            setupGuide: { description, steps: texts.steps.map(fill), callbackUrl: callback },
          },
          hub_settings: { configured_webhook_events: {}, project_settings: {} },
        };
      });

      hub.get<{ Params: { id: string } }>('/accounts/:id', async (req) => {
        const a = await hubAccount(deps, sessionOf(req), req.params.id);
        const connector = deps.connectors.get(a.provider);
        const secrets = a.secrets ? deps.vault.openJson<Record<string, string>>(a.secrets) : {};
        const { secret } = splitSecrets(connector?.config_fields ?? [], secrets);
        return {
          id: a.id,
          provider: a.provider,
          integrationId: a.connector_profile_id,
          environment: a.environment,
          setupInformation: a.setup_information,
          secrets: Object.fromEntries(Object.entries(secret).map(([k, v]) => [k, redact(v)])),
          status: a.status,
        };
      });

      // Ours (additive): after linking a connector whose events are set up by hand (Oneflow), the
      // inbound URL and sign key its owner pastes into the provider, with the steps.
      hub.get<{ Params: { id: string } }>(
        '/accounts/:id/events_setup',
        async (req, reply): Promise<HubEventsSetup> => {
          const setup = await manualEventsSetup(deps, await hubAccount(deps, sessionOf(req), req.params.id));
          reply.header('cache-control', 'no-store');
          return setup ?? { inbound_url: null, secret: null, steps: [] };
        },
      );

      hub.post('/accounts', async (req, reply) => {
        const body = parseInput(hubAccountBody, req.body);
        const { account, created } = await linkWithCredentials(
          deps,
          sessionOf(req),
          body.integration_id,
          body.credentials,
        );
        return reply.status(created ? 201 : 200).send({ id: account.id, provider: account.provider });
      });

      hub.patch<{ Params: { id: string } }>('/accounts/:id', async (req) => {
        const body = parseInput(hubAccountBody, req.body);
        const { account } = await linkWithCredentials(
          deps,
          sessionOf(req),
          body.integration_id,
          body.credentials,
          req.params.id,
        );
        return { id: account.id, provider: account.provider };
      });

      hub.post('/connection_attempts', async (req, reply) => {
        const s = sessionOf(req);
        const body = parseInput(hubAttemptBody, req.body ?? {});
        // The body repeats the session token; a different one means a confused caller.
        if (body.token !== undefined && body.token !== req.headers['x-hub-session-token'])
          throw new AppError('SESSION_TOKEN_INVALID', 'Session token mismatch');
        const attempt = await createAttempt(deps, s);
        // Ours (additive): the fields travel in this body, the popup URL only carries a launch id.
        let launchUrl: string | undefined;
        if (body.integration_id) {
          try {
            launchUrl = await prepareLaunch(deps, s, attempt.id, {
              integrationId: body.integration_id,
              redirectUri: body.redirect_uri,
              fields: body.fields ?? {},
            });
          } catch (err) {
            // Nothing half-written: a refused launch leaves no attempt behind.
            await deps.db.query('DELETE FROM connection_attempts WHERE id = $1', [attempt.id]);
            throw err;
          }
        }
        return reply
          .status(201)
          .send({ ...attemptToWire(attempt), ...(launchUrl ? { launch_url: launchUrl } : {}) });
      });

      hub.get<{ Params: { id: string } }>('/connection_attempts/:id', async (req) =>
        attemptToWire(await getAttempt(deps, sessionOf(req), req.params.id)),
      );

      // Ours: (re)prepares the popup's one-time launch for a pending attempt, e.g. with the Hub's
      // own page as the return address when the browser blocked the popup.
      hub.put<{ Params: { id: string } }>('/connection_attempts/:id/launch', async (req) => {
        const s = sessionOf(req);
        const body = parseInput(hubLaunchBody, req.body);
        const attempt = await getAttempt(deps, s, req.params.id);
        if (attempt.status !== 'pending')
          throw new AppError('ATTEMPT_NOT_PENDING', `This connection attempt is ${attempt.status}`);
        const launchUrl = await prepareLaunch(deps, s, attempt.id, {
          integrationId: body.integration_id,
          redirectUri: body.redirect_uri,
          fields: body.fields ?? {},
        });
        return { ...attemptToWire(attempt), launch_url: launchUrl };
      });

      hub.delete<{ Params: { id: string } }>('/connection_attempts/:id', async (req) =>
        attemptToWire(await cancelAttempt(deps, sessionOf(req), req.params.id)),
      );
    },
    { prefix: '/hub' },
  );
  linkStatusRoute(app, deps);
  brandingRoute(app, deps);
}

/**
 * `GET /hub/link_status`: why a link stopped working, so the Hub can say "This link for Acme has
 * expired" rather than "expired or invalid". Outside the authenticated block on purpose: it
 * answers for tokens that no longer authenticate. It tells an expired token's holder only what
 * the link already showed them (whom it was made for); an unknown token learns nothing, and
 * failed lookups count towards the same per-address limit as the rest of the Hub API. The
 * OPTIONS preflight is answered by the `/hub/*` CORS handler.
 */
function linkStatusRoute(app: FastifyInstance, deps: Deps) {
  const limiter = createAuthLimiter();
  app.get('/hub/link_status', async (req, reply) => {
    reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store');
    const token = req.headers['x-hub-session-token'];
    const { rows } =
      typeof token === 'string' && token.length >= 20 && token.length <= 256
        ? await deps.db.query<{ origin_owner_name: string; expires_at: Date }>(
            'SELECT origin_owner_name, expires_at FROM connect_sessions WHERE token_hash = $1',
            [hashToken(token)],
          )
        : { rows: [] };
    const session = rows[0];
    if (!session) {
      if (token) limiter.fail(req, reply);
      return { status: 'invalid' };
    }
    if (session.expires_at.getTime() > deps.clock().getTime()) return { status: 'active' };
    return {
      status: 'expired',
      origin_owner_name: session.origin_owner_name,
      expired_at: session.expires_at.toISOString(),
    };
  });
}

const UNBRANDED: HubBranding = {
  company: null,
  origin_owner_name: null,
  locale: null,
  logo_url: null,
  accent_color: null,
  accent_text_color: null,
  support_email: null,
  privacy_url: null,
  terms_url: null,
  consent_text: null,
  show_powered_by: true,
};

/**
 * `GET /hub/branding` (ours): the project's branding for the page a link opens, and the
 * session's language. Like `/hub/link_status` it answers for expired tokens too, so the
 * "link expired" page still names the company and whom to ask; an unknown token gets the
 * unbranded page and counts towards the per-address limit.
 */
function brandingRoute(app: FastifyInstance, deps: Deps) {
  const limiter = createAuthLimiter();
  app.get('/hub/branding', async (req, reply): Promise<HubBranding> => {
    reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store');
    const token = req.headers['x-hub-session-token'];
    const { rows } =
      typeof token === 'string' && token.length >= 20 && token.length <= 256
        ? await deps.db.query<{
            origin_owner_name: string;
            locale: string | null;
            project_id: string;
            name: string;
            branding: StoredBranding;
            logo_sha256: string | null;
          }>(
            `SELECT s.origin_owner_name, s.locale, p.id AS project_id, p.name, p.branding, p.logo_sha256
               FROM connect_sessions s JOIN projects p ON p.id = s.project_id WHERE s.token_hash = $1`,
            [hashToken(token)],
          )
        : { rows: [] };
    const row = rows[0];
    if (!row) {
      if (token) limiter.fail(req, reply);
      return UNBRANDED;
    }
    const b = row.branding;
    return {
      company: b.display_name ?? null,
      origin_owner_name: row.origin_owner_name,
      locale: row.locale,
      logo_url: projectLogoUrl(deps, row.project_id, row.logo_sha256),
      accent_color: b.accent_color ?? null,
      accent_text_color: b.accent_color ? labelColorOn(b.accent_color) : null,
      support_email: b.support_email ?? null,
      privacy_url: b.privacy_url ?? null,
      terms_url: b.terms_url ?? null,
      consent_text: b.consent_text ?? null,
      show_powered_by: b.show_powered_by ?? true,
    };
  });
}
