import type { FastifyInstance, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { z } from 'zod';
import type { Deps } from '../../../core/deps.js';
import { authenticateSessionToken, type SessionRow } from '../../../core/connect-sessions.js';
import { listProfiles, type ConnectorProfile } from '../../../core/connector-profiles.js';
import { accountToEdit, hubAccount, linkWithCredentials, profileForSession, sessionAllowsProfile } from '../../../core/linking.js';
import { attemptToWire, cancelAttempt, createAttempt, getAttempt } from '../../../core/connection-attempts.js';
import { splitSecrets, htmlPattern, isSecretField } from '../../../connectors/fields.js';
import { redact } from '../../../core/vault.js';
import { unauthorized } from '../../../core/errors.js';
import { parseInput } from '../../errors.js';
import { createAuthLimiter } from '../../auth-limiter.js';
import { logoUrl } from '../platform/connectors-meta.js';
import type { Field } from '../../../connectors/schema.js';

declare module 'fastify' {
  interface FastifyRequest {
    hubSession?: SessionRow;
  }
}

const sessionOf = (req: FastifyRequest): SessionRow => {
  if (!req.hubSession) throw unauthorized();
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
    ...(pattern ? { validation: { type: 'html-pattern', pattern: pattern.pattern, error: pattern.error } } : {}),
  };
}

function integrationToHub(deps: Deps, p: ConnectorProfile) {
  // Two profiles of one connector (Salesforce production and sandbox) would both read
  // "Salesforce": a default label names the environment whenever the connector has several.
  const env = p.connector.environments.find((e) => e.key === p.environment);
  const name = p.label === p.connector.name && p.connector.environments.length > 1 && env ? `${p.label} (${env.label})` : p.label;
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

const accountBody = z.object({
  integration_id: z.string().min(1).max(64),
  credentials: z.record(z.string().max(64), z.union([z.string().max(8192), z.number()])).refine((c) => Object.keys(c).length <= 50, 'too many fields'),
});

/** `/hub/*`: what the official `@stackone/hub` component and our own Hub page call. */
export function hubRoutes(app: FastifyInstance, deps: Deps) {
  app.register(
    async (hub) => {
      await hub.register(cors, {
        origin: '*',
        methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['content-type', 'x-hub-session-token', 'x-hub-version'],
        maxAge: 600,
      });
      const limiter = createAuthLimiter();
      hub.addHook('preHandler', async (req, reply) => {
        if (req.method === 'OPTIONS') return;
        limiter.check(req, reply);
        try {
          req.hubSession = await authenticateSessionToken(deps, req.headers['x-hub-session-token']);
        } catch (err) {
          if (req.headers['x-hub-session-token']) limiter.fail(req);
          throw err;
        }
      });

      hub.get('/settings', async (req) => {
        const s = sessionOf(req);
        const existing = s.account_id ? { id: s.account_id } : s.provider ? await accountToEdit(deps, s, s.provider) : null;
        return { enabled_features: [], ...(existing ? { existing_account_id: existing.id } : {}) };
      });

      hub.get<{ Querystring: { provider?: string } }>('/connectors', async (req) => {
        const s = sessionOf(req);
        const only = typeof req.query.provider === 'string' ? req.query.provider : undefined;
        let edited: string | undefined;
        if (s.account_id) edited = (await hubAccount(deps, s, s.account_id).catch(() => null))?.provider;
        const profiles = (await listProfiles(deps, { projectId: s.project_id, organizationId: s.organization_id })).filter(
          (p) => sessionAllowsProfile(s, p) && (!only || p.provider === only) && (!edited || p.provider === edited),
        );
        return { integrations: profiles.map((p) => integrationToHub(deps, p)) };
      });

      hub.get<{ Params: { id: string } }>('/connectors/:id', async (req) => {
        const profile = await profileForSession(deps, sessionOf(req), req.params.id);
        const c = profile.connector;
        return {
          config: {
            key: c.key,
            name: profile.label,
            type: c.auth.type === 'oauth2' ? 'oauth2' : 'custom',
            ...(c.auth.type === 'oauth2' ? { grantType: 'authorization_code' } : {}),
            configFields: c.config_fields.map(fieldToHub),
            configNotices: c.notices,
            assets: { icon: logoUrl(deps, c) },
            support: { link: c.guide.support_link ?? null, description: c.guide.description ?? '' },
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

      hub.post('/accounts', async (req, reply) => {
        const body = parseInput(accountBody, req.body);
        const { account, created } = await linkWithCredentials(deps, sessionOf(req), body.integration_id, body.credentials);
        return reply.status(created ? 201 : 200).send({ id: account.id, provider: account.provider });
      });

      hub.patch<{ Params: { id: string } }>('/accounts/:id', async (req) => {
        const body = parseInput(accountBody, req.body);
        const { account } = await linkWithCredentials(deps, sessionOf(req), body.integration_id, body.credentials, req.params.id);
        return { id: account.id, provider: account.provider };
      });

      hub.post('/connection_attempts', async (req, reply) => {
        const s = sessionOf(req);
        // The body repeats the session token; a different one means a confused caller.
        const token = (req.body as { token?: unknown } | undefined)?.token;
        if (token !== undefined && token !== req.headers['x-hub-session-token']) throw unauthorized('Session token mismatch');
        const attempt = await createAttempt(deps, s);
        return reply.status(201).send(attemptToWire(attempt));
      });

      hub.get<{ Params: { id: string } }>('/connection_attempts/:id', async (req) => attemptToWire(await getAttempt(deps, sessionOf(req), req.params.id)));

      hub.delete<{ Params: { id: string } }>('/connection_attempts/:id', async (req) =>
        attemptToWire(await cancelAttempt(deps, sessionOf(req), req.params.id)),
      );
    },
    { prefix: '/hub' },
  );
}
