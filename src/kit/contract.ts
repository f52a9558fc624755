// The contract of one connector: a list of named checks that run in order against a running
// Switchboard whose outbound HTTP goes through the internet stand-in to the generic fake
// provider. The contract test runs them with vitest (`it.each`), `switchboard connectors test`
// on its own; both see the same names and the same failures.
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import type { RunningApp } from '../app.js';
import type { Action } from '../connectors/action-schema.js';
import type { ConnectorEvents } from '../connectors/events-schema.js';
import { hostMatches } from '../connectors/hosts.js';
import { rateLimitRules } from '../connectors/rate-limit.js';
import type { Connector, OAuth2Auth } from '../connectors/schema.js';
import { urlTemplates } from '../connectors/url-values.js';
import { type ProviderTarget, resolveUrl, runTestAction } from '../core/connector-profiles/target.js';
import { accountTarget } from '../core/credentials/open.js';
import { revokeTokens } from '../core/credentials/revoke.js';
import { getAccount } from '../core/accounts/accounts.js';
import type { ProjectScope } from '../core/deps.js';
import { AppError } from '../core/errors.js';
import { claimDueSubscriptions, reconcileSubscription } from '../core/events/subscriptions.js';
import { render } from '../connectors/templating.js';
import {
  chosenOption,
  type FakeProvider,
  fixtureClient,
  fixtureContext,
  fixtureEnvironment,
  startFakeProvider,
} from './fake-provider.js';
import type { Fixture } from './fixture.js';
import { type Internet, startInternet } from './internet.js';
import { cookieJar, jsonPost } from './cookie-jar.js';
import { pages } from './paging.js';

/** A running Switchboard the checks call: its URL, an API key of its project, the app itself. */
export interface ContractServer {
  url: string;
  apiKey: string;
  app: RunningApp;
}

export interface ContractWorld {
  connector: Connector;
  fixture: Fixture;
  fake: FakeProvider;
  internet: Internet;
  server: ContractServer;
  /** What earlier checks leave for later ones. */
  state: { profileId?: string | undefined; accountId?: string | undefined; rotatedOut: string[] };
}

export interface ContractCheck {
  name: string;
  run(world: ContractWorld): Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Why the check failed. */
  reason?: string;
  ms: number;
}

/** Where the Hub sends the end user back after the popup (any https page of the embedding app). */
const HUB_RETURN = 'https://app.example.com/embedded/accounts/callback';

class ContractFailure extends Error {}

function expect(ok: unknown, message: string): asserts ok {
  if (!ok) throw new ContractFailure(message);
}

const scopeOf = (s: ContractServer): ProjectScope => ({
  projectId: s.app.boot.project.projectId,
  organizationId: s.app.boot.project.organizationId,
});

/** Calls our server's API (platform with the API key; Hub with a session token). */
async function call(
  s: ContractServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${s.apiKey}:`).toString('base64')}`,
  },
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field and checked as they are read
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(s.url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

const hubHeaders = (token: string) => ({ 'x-hub-session-token': token, 'x-hub-version': '1.11.4' });

/** The account choices the fixture's end user makes, in the order the discovery steps ask them. */
function expectedChoices(world: ContractWorld) {
  const { connector, fixture } = world;
  if (connector.auth.type !== 'oauth2') return [];
  return connector.auth.post_auth.flatMap((step, i) => {
    const answer = fixture.post_auth[i];
    const chosen = answer ? chosenOption(step, answer) : null;
    return chosen ? [{ step: i, ...chosen }] : [];
  });
}

/**
 * Follows the popup from our launch URL through the provider and back, until the Hub's return
 * page. When our callback page asks which account to link, the fixture's end user answers.
 */
async function drivePopup(
  world: ContractWorld,
  url: string,
): Promise<{ final: URL; hosts: string[]; offered: number[] }> {
  const jar = cookieJar(world.internet.http);
  const open = (u: string, post?: unknown) =>
    jar(u, post === undefined ? { redirect: 'manual' } : jsonPost(post));
  const hosts: string[] = [];
  const offered: number[] = [];
  const choices = expectedChoices(world);
  let current = url;
  for (let i = 0; i < 10; i++) {
    const page = new URL(current);
    if (
      page.origin === world.server.url &&
      page.pathname === '/embedded/accounts/callback' &&
      page.searchParams.get('status') === 'choose'
    ) {
      const choiceUrl = `${world.server.url}/connect/oauth2/choices/${page.searchParams.get('choice')}`;
      const view = await open(choiceUrl);
      const shown = (await view.json()) as { options?: Array<{ label: string }> };
      expect(view.status === 200, `the account chooser answered ${view.status}: ${JSON.stringify(shown)}`);
      const choice = choices[offered.length];
      expect(choice, 'the sign-in asked which account to link, but the fixture expects no choice');
      offered.push(shown.options?.length ?? 0);
      const answered = await open(choiceUrl, { option: choice.index });
      const next = (await answered.json()) as { redirect?: string };
      expect(answered.status === 200 && next.redirect, `the choice answered ${answered.status}`);
      if (next.redirect.startsWith(HUB_RETURN)) return { final: new URL(next.redirect), hosts, offered };
      current = next.redirect;
      continue;
    }
    const res = await open(current);
    hosts.push(page.host);
    const loc = res.headers.get('location');
    const text = await res.text();
    if (res.status < 300 || res.status >= 400 || !loc)
      throw new ContractFailure(
        `the popup stopped at ${page.origin}${page.pathname}: ${res.status} ${text.slice(0, 200)}`,
      );
    const next = new URL(loc, current);
    if (next.href.startsWith(HUB_RETURN)) return { final: next, hosts, offered };
    current = next.toString();
  }
  throw new ContractFailure('the popup redirected more than 10 times');
}

/** Starts a connect session for an end user; returns its token. */
async function newSession(world: ContractWorld, owner: string): Promise<string> {
  const res = await call(world.server, 'POST', '/connect_sessions', {
    origin_owner_id: owner,
    origin_owner_name: 'Contract check',
  });
  expect(res.status === 201, `connect session: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.token as string;
}

/** Starts a connect session and an attempt; returns the popup URL the Hub would open. */
async function popupUrl(world: ContractWorld, fields: Record<string, string>) {
  const { server } = world;
  const token = await newSession(world, `contract-${world.connector.key}`);
  const attempt = await call(server, 'POST', '/hub/connection_attempts', { token }, hubHeaders(token));
  expect(attempt.status === 201, `connection attempt: ${attempt.status} ${JSON.stringify(attempt.json)}`);
  const q = new URLSearchParams({
    redirect_uri: HUB_RETURN,
    token,
    connection_attempt_id: attempt.json.id,
    ...fields,
  });
  return `${server.url}/connect/oauth2/${world.state.profileId}?${q}`;
}

const needAccount = (world: ContractWorld): string => {
  expect(world.state.accountId, 'no linked account: the link check failed');
  return world.state.accountId;
};

const target = (
  world: ContractWorld,
  opts: { forceRefresh?: boolean; rejectedToken?: string | undefined } = {},
) =>
  accountTarget(world.server.app.deps, scopeOf(world.server), needAccount(world), {
    ...(opts.forceRefresh ? { forceRefresh: true } : {}),
    ...(opts.rejectedToken ? { rejectedToken: opts.rejectedToken } : {}),
  });

/** The config values the provider refuses: the fixture's, or each secret value reversed. */
function badConfig(world: ContractWorld): Record<string, string> {
  if (world.fixture.bad_config) return world.fixture.bad_config;
  const secret = new Set(
    world.connector.config_fields.filter((f) => f.secret || f.type === 'password').map((f) => f.key),
  );
  return Object.fromEntries(
    Object.entries(world.fixture.config).map(([k, v]) => [k, secret.has(k) ? [...v].reverse().join('') : v]),
  );
}

const urlsCheck: ContractCheck = {
  name: 'URLs: every environment renders its URLs on hosts the connector owns, without overrides',
  run: async ({ connector, fixture, server, fake }) => {
    for (const env of connector.environments) {
      const t: ProviderTarget = {
        connector,
        environment: env.key,
        overrides: {},
        config: fixture.config,
        setup: fixture.setup,
        credentials: fixtureContext(connector, fixture).credentials ?? {},
      };
      for (const [which] of urlTemplates(connector)) {
        try {
          const url = new URL(resolveUrl(server.app.deps, t, which as 'base_url'));
          expect(url.protocol === 'https:', `${env.key} ${which} is not https`);
        } catch (err) {
          throw new ContractFailure(`${env.key} ${which}: ${(err as Error).message}`);
        }
      }
    }
    for (const host of fake.hosts)
      expect(
        connector.hosts.some((p) => hostMatches(host, p)),
        `the fixture serves ${host}, which the connector does not own`,
      );
  },
};

const profileCheck: ContractCheck = {
  name: 'profile: a connector profile is created as shipped, with no URL override',
  run: async (world) => {
    const { connector, fixture, server } = world;
    const res = await call(server, 'POST', '/connector_profiles', {
      provider: connector.key,
      environment: fixtureEnvironment(connector, fixture).key,
      ...(connector.setup_fields.length ? { setup: fixture.setup } : {}),
    });
    expect(res.status === 201, `POST /connector_profiles: ${res.status} ${JSON.stringify(res.json)}`);
    const overrides = Object.values(res.json.overrides ?? {}).filter((v) => v !== null);
    expect(overrides.length === 0, `the profile has overrides: ${JSON.stringify(res.json.overrides)}`);
    world.state.profileId = res.json.id;
  },
};

const oauthLinkCheck: ContractCheck = {
  name: "link: the OAuth popup goes to the provider's authorize page at its real host and comes back linked",
  run: async (world) => {
    const { fake, fixture } = world;
    expect(world.state.profileId, 'no connector profile: the profile check failed');
    const { final, hosts, offered } = await drivePopup(world, await popupUrl(world, fixture.config));
    expect(
      final.searchParams.get('status') === 'success',
      `the link failed: ${final.search} ${fake.problems.join('; ')}`,
    );
    const choices = expectedChoices(world);
    expect(
      offered.join() === choices.map((c) => c.count).join(),
      `the end user was asked to choose between ${JSON.stringify(offered)} accounts; the fixture's answers offer ${JSON.stringify(choices.map((c) => c.count))}`,
    );
    expect(hosts.includes(fake.urls.authorize!.host), `the popup never reached ${fake.urls.authorize!.host}`);
    const exchange = fake.requests.find(
      (r) =>
        r.method === 'POST' && r.host === fake.urls.token!.hostname && r.path === fake.urls.token!.pathname,
    );
    expect(exchange?.status === 200, 'no successful code exchange at the token URL');
    world.state.accountId = final.searchParams.get('account_id') ?? undefined;
    expect(world.state.accountId, 'the callback names no account');
  },
};

/** Kustomer-style: the server checks the authorize URL first; an unknown client ends the attempt. */
function preflightCheck(auth: OAuth2Auth): ContractCheck {
  return {
    name: "authorize preflight: an unknown client ends the attempt before the popup reaches the provider's page",
    run: async (world) => {
      const { fake, fixture } = world;
      expect(world.state.profileId, 'no connector profile: the profile check failed');
      const fields = { ...fixture.config, [auth.client_id_field]: 'unknown-client-contract-check' };
      const { final, hosts } = await drivePopup(world, await popupUrl(world, fields));
      expect(final.searchParams.get('status') !== 'success', 'an unknown client linked an account');
      expect(
        !hosts.includes(fake.urls.authorize!.host),
        "the popup went on to the provider's page although the preflight refused the client",
      );
    },
  };
}

const apiKeyLinkCheck: ContractCheck = {
  name: "link: the Hub form links with the fixture's credentials",
  run: async (world) => {
    const { server, fixture } = world;
    expect(world.state.profileId, 'no connector profile: the profile check failed');
    const token = await newSession(world, `contract-${world.connector.key}`);
    const res = await call(
      server,
      'POST',
      '/hub/accounts',
      { integration_id: world.state.profileId, credentials: fixture.config },
      hubHeaders(token),
    );
    expect(res.status === 201, `POST /hub/accounts: ${res.status} ${JSON.stringify(res.json)}`);
    world.state.accountId = res.json.id;
  },
};

const goodTestAction: ContractCheck = {
  name: 'test action: answers 2xx with good credentials',
  run: async (world) => {
    await runTestAction(world.server.app.deps, await target(world));
  },
};

/** The test action with refused credentials must end in the provider's documented error. */
async function expectRefused(world: ContractWorld, t: ProviderTarget) {
  const { fixture } = world;
  expect(
    fixture.api.error.status >= 400 || world.connector.test_action.expect,
    `api.error answers ${fixture.api.error.status}: a 2xx refusal needs the connector's test_action.expect`,
  );
  try {
    await runTestAction(world.server.app.deps, t);
  } catch (err) {
    expect(err instanceof AppError, `not a refusal: ${(err as Error).message}`);
    expect(err.code === 'CREDENTIALS_REJECTED', `${err.code}: ${err.message}`);
    expect(
      err.provider?.status === fixture.api.error.status,
      `status ${err.provider?.status}, the fixture documents ${fixture.api.error.status}`,
    );
    expect(
      err.provider?.error && err.provider.error !== `HTTP ${fixture.api.error.status}`,
      "error_message_paths find no message in the provider's documented error body",
    );
    return;
  }
  throw new ContractFailure('the test action passed with bad credentials');
}

const badTestActionOAuth: ContractCheck = {
  name: "test action: a bad access token is refused with the provider's documented error",
  run: async (world) => {
    const t = await target(world);
    await expectRefused(world, { ...t, credentials: { ...t.credentials, access_token: 'not-a-live-token' } });
  },
};

const badTestActionApiKey: ContractCheck = {
  name: "test action: bad credentials are refused with the provider's documented error, and the Hub form refuses them",
  run: async (world) => {
    const t = await target(world);
    const bad = badConfig(world);
    await expectRefused(world, { ...t, config: { ...t.config, ...bad } });
    const token = await newSession(world, 'contract-bad');
    const res = await call(
      world.server,
      'POST',
      '/hub/accounts',
      { integration_id: world.state.profileId, credentials: bad },
      hubHeaders(token),
    );
    expect(res.status === 400, `the Hub form with bad credentials answered ${res.status}`);
  },
};

/** Runs an action through `/actions/rpc` for the linked account. */
const rpc = (world: ContractWorld, id: string, input: Record<string, unknown>) =>
  call(
    world.server,
    'POST',
    '/actions/rpc',
    { action: id, body: input },
    {
      authorization: `Basic ${Buffer.from(`${world.server.apiKey}:`).toString('base64')}`,
      'x-account-id': needAccount(world),
    },
  );

/**
 * A declared rate limit, read as declared: a short wait is waited out and the call retried; a
 * wait past the call's lifetime reaches the caller as 429 with that wait in Retry-After.
 */
function rateLimitCheck(action: Action, rule: number, of: number): ContractCheck {
  const which = of > 1 ? ` (rule ${rule + 1} of ${of})` : '';
  return {
    name: `rate limit${which}: a rate-limited answer to ${action.id} is waited out, a long one reaches the caller as 429 with its Retry-After`,
    run: async (world) => {
      const { fake } = world;
      const input = world.fixture.actions[action.id]?.input ?? {};
      const before = fake.rateLimited;
      fake.rateLimitNext(0, rule);
      const short = await rpc(world, action.id, input);
      expect(fake.rateLimited === before + 1, 'the fake did not answer with a rate limit');
      expect(short.status === 200, `after a short rate limit: ${short.status} ${JSON.stringify(short.json)}`);
      fake.rateLimitNext(3600, rule);
      const long = await rpc(world, action.id, input);
      expect(long.status === 429, `after a rate limit of an hour: ${long.status}, not 429`);
      const after = Number(long.headers.get('retry-after'));
      expect(
        after >= 3590 && after <= 3601,
        `Retry-After ${long.headers.get('retry-after')}: the declared header was not read as declared`,
      );
    },
  };
}

function actionCheck(action: Action): ContractCheck {
  const paged = pages(action);
  return {
    name: `action ${action.id}: ${paged ? "answers the fixture's records, following next across pages" : 'answers 200 with data'}`,
    run: async (world) => {
      const f = world.fixture.actions[action.id];
      expect(f, `the fixture has no records for ${action.id}`);
      const data: unknown[] = [];
      let next: string | null = null;
      let count = 0;
      do {
        const res = await rpc(world, action.id, next ? { ...f.input, next } : f.input);
        expect(
          res.status === 200,
          `page ${count + 1}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`,
        );
        const page = res.json.data;
        data.push(...(Array.isArray(page) ? page : [page]));
        next = res.json.next;
        count++;
      } while (next && count < 20);
      if (!paged) {
        expect(data.length > 0 && data[0] !== null, 'no data');
        return;
      }
      expect(
        f.records.length > f.page_size,
        `the fixture needs more than ${f.page_size} records for two pages`,
      );
      expect(count >= 2, `one page only: next was never followed`);
      expect(
        data.length === f.records.length,
        `${data.length} records over ${count} pages, the fixture has ${f.records.length}`,
      );
    },
  };
}

/** The client authentication the connector declares, for a token request the check makes itself. */
function clientAuth(auth: OAuth2Auth, fixture: Fixture, form: URLSearchParams): Record<string, string> {
  const c = fixtureClient(auth, fixture);
  if (auth.token_auth === 'client_secret_basic')
    return {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.id)}:${encodeURIComponent(c.secret)}`).toString('base64')}`,
    };
  form.set('client_id', c.id);
  form.set('client_secret', c.secret);
  return {};
}

/** A provider that issues no refresh token: nothing is refreshed; a refused token asks for reconnecting. */
const noRefreshToken: ContractCheck = {
  name: 'no refresh token: the account keeps none and is never refreshed; a refused token asks to reconnect',
  run: async (world) => {
    const { fake } = world;
    const before = await target(world);
    const creds = before.credentials as Record<string, unknown>;
    expect(!('refresh_token' in creds), 'Switchboard stored a refresh token the provider never issued');
    const refreshes = fake.refreshes;
    const unexpected = fake.unexpected.length;
    const refused = await target(world, {
      forceRefresh: true,
      rejectedToken: creds.access_token as string,
    }).then(
      () => null,
      (err: AppError) => err,
    );
    expect(
      refused?.code === 'ACCOUNT_NEEDS_RECONNECT',
      `a refused token without a refresh token: ${refused ? refused.code : 'the account opened'}, not ACCOUNT_NEEDS_RECONNECT`,
    );
    expect(fake.refreshes === refreshes, 'Switchboard tried to refresh a token the provider cannot refresh');
    expect(
      fake.unexpected.length === unexpected,
      `unexpected requests: ${fake.unexpected.slice(unexpected).join(', ')}`,
    );
  },
};

function refreshRotation(auth: OAuth2Auth): ContractCheck {
  return {
    name: 'refresh: each refresh rotates the refresh token, Switchboard keeps the new one and the kept token fields',
    run: async (world) => {
      const { fake, fixture } = world;
      for (let round = 1; round <= 2; round++) {
        const before = await target(world);
        const old = before.credentials as Record<string, string>;
        const after = await target(world, { forceRefresh: true, rejectedToken: old.access_token });
        const now = after.credentials as Record<string, string>;
        expect(now.access_token !== old.access_token, `refresh ${round}: the access token did not change`);
        expect(
          fake.isLiveAccessToken(now.access_token!),
          `refresh ${round}: the stored access token is not live`,
        );
        if (fixture.token.rotate) {
          expect(
            now.refresh_token !== old.refresh_token,
            `refresh ${round}: the rotated refresh token was not kept`,
          );
          expect(
            fake.isLiveRefreshToken(now.refresh_token!),
            `refresh ${round}: the stored refresh token is not live`,
          );
          world.state.rotatedOut.push(old.refresh_token!);
        }
        for (const k of auth.keep_token_fields)
          if (k in fixture.token.fields)
            expect(
              JSON.stringify(now[k]) === JSON.stringify(fixture.token.fields[k]),
              `refresh ${round}: the kept token field ${k} is ${JSON.stringify(now[k])}`,
            );
        const expires = fixture.token.expires_in ?? auth.default_expires_in;
        expect(
          (after.account.token_expires_at === null) === (expires === null),
          `refresh ${round}: token_expires_at is ${after.account.token_expires_at}, expected ${expires === null ? 'none' : `in ${expires}s`}`,
        );
        await runTestAction(world.server.app.deps, after);
      }
      expect(fake.reusedRefreshTokens === 0, 'Switchboard presented a rotated-out refresh token');
    },
  };
}

function refreshReuse(auth: OAuth2Auth): ContractCheck {
  return {
    name: 'refresh: a rotated-out refresh token is refused (invalid_grant) and its family is revoked',
    run: async (world) => {
      const { fake, fixture } = world;
      const old = world.state.rotatedOut[0];
      expect(old, 'no rotated-out refresh token: the rotation check failed');
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: old });
      const ctx = fixtureContext(world.connector, fixture);
      const extra = { ...auth.token_request.params, ...auth.token_request.refresh_params };
      for (const [k, tpl] of Object.entries(extra)) form.set(k, render(tpl, ctx));
      const headers = clientAuth(auth, fixture, form);
      const json = auth.token_request.body_format === 'json';
      const res = await undiciFetch(fake.urls.refresh ?? fake.urls.token!, {
        method: 'POST',
        dispatcher: world.internet.http,
        headers: {
          'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...Object.fromEntries(
            Object.entries(auth.token_request.headers).map(([k, tpl]) => [k, render(tpl, ctx)]),
          ),
          ...headers,
        },
        body: json ? JSON.stringify(Object.fromEntries(form)) : form.toString(),
      });
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      expect(
        res.status === 400 && body.error === 'invalid_grant',
        `the reused token got ${res.status} ${JSON.stringify(body)}`,
      );
      expect(fake.reusedRefreshTokens === 1, 'the fake did not see the reuse');
      const current = (await target(world)).credentials as Record<string, string>;
      expect(!fake.isLiveRefreshToken(current.refresh_token!), 'the family survived the reuse');
      // Switchboard's next refresh now fails: the account must not stay usable.
      const failed = await target(world, { forceRefresh: true, rejectedToken: current.access_token }).then(
        (t) => t.account.status !== 'active',
        () => true,
      );
      expect(failed, 'a refresh with a revoked family still left the account active');
    },
  };
}

/**
 * Revocation on deletion, with a token set the fake issues now (the refresh checks may have
 * killed the account's own): the request as `revoke_request` says reaches the revocation URL, and
 * the tokens it names die.
 */
const revokeCheck: ContractCheck = {
  name: "revoke: deleting an account revokes its tokens at the provider's revocation URL",
  run: async (world) => {
    const { fake, server } = world;
    const deps = server.app.deps;
    const row = await getAccount(deps, scopeOf(server), needAccount(world));
    const stored = deps.vault.openJson<Record<string, unknown>>(row.credentials!);
    const fresh = fake.issueTokens() as Record<string, string>;
    const before = fake.counts.revoke;
    const problems = fake.problems.length;
    await revokeTokens(deps, { ...row, credentials: deps.vault.sealJson({ ...stored, ...fresh }) });
    expect(fake.counts.revoke === before + 1, 'no revocation request reached the revocation URL');
    expect(
      fake.problems.length === problems,
      `the revocation request broke a rule: ${fake.problems.slice(problems).join('; ')}`,
    );
    expect(
      !fake.isLiveAccessToken(fresh.access_token!) &&
        (!fresh.refresh_token || !fake.isLiveRefreshToken(fresh.refresh_token)),
      'the tokens are still live after the revocation',
    );
  },
};

const hostsCheck: ContractCheck = {
  name: 'hosts: no credential went to a host the connector does not own, and no unexpected request was made',
  run: async ({ connector, fake, internet }) => {
    const owned = (host: string) => connector.hosts.some((p) => hostMatches(host, p));
    const stray = fake.requests.filter((r) => !owned(r.host));
    expect(
      stray.length === 0,
      `requests to hosts the connector does not own: ${stray.map((r) => r.host).join(', ')}`,
    );
    expect(
      fake.requests.some((r) => r.credentialed),
      'no request carried a credential: the checks proved nothing',
    );
    expect(internet.refused.length === 0, `requests to names nobody serves: ${internet.refused.join(', ')}`);
    expect(
      fake.unexpected.length === 0,
      `requests the provider does not serve: ${fake.unexpected.join(', ')}`,
    );
    expect(fake.problems.length === 0, `requests the provider refused: ${fake.problems.join('; ')}`);
  },
};

/** Client credentials: an expired or refused token is minted again, never refreshed. */
const reMint: ContractCheck = {
  name: 'client credentials: a refused token is minted again (no refresh token)',
  run: async (world) => {
    const { fake } = world;
    const before = (await target(world)).credentials as Record<string, string>;
    const mints = fake.mints;
    const after = await target(world, { forceRefresh: true, rejectedToken: before.access_token });
    const now = after.credentials as Record<string, string>;
    expect(now.access_token !== before.access_token, 'the access token did not change');
    expect(fake.isLiveAccessToken(now.access_token!), 'the new access token is not live');
    expect(fake.mints === mints + 1, `the fake minted ${fake.mints - mints} tokens, not 1`);
    expect(fake.refreshes === 0, 'Switchboard refreshed instead of minting');
    await runTestAction(world.server.app.deps, after);
  },
};

/** What `GET /inbound_deliveries` shows for the account, newest first. */
interface LoggedDelivery {
  id: string;
  outcome: string;
  reason: string | null;
  items: number;
  new_items: number;
  events: Array<{ provider_event_id: string; provider_type: string }>;
}

async function loggedDeliveries(world: ContractWorld, accountId: string): Promise<LoggedDelivery[]> {
  const res = await call(world.server, 'GET', `/inbound_deliveries?account_id=${accountId}&page_size=500`);
  expect(res.status === 200, `GET /inbound_deliveries: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as LoggedDelivery[];
}

/** The deliveries logged for the account since `before` (the ids seen then). */
async function newDeliveries(world: ContractWorld, accountId: string, before: Set<string>) {
  return (await loggedDeliveries(world, accountId)).filter((d) => !before.has(d.id));
}

async function storedEvents(world: ContractWorld, accountId: string): Promise<number> {
  const { rows } = await world.server.app.deps.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM inbound_events WHERE account_id = $1',
    [accountId],
  );
  return rows[0]!.n;
}

/** A fixture delivery as the fake sends it. */
const asDelivery = (d: { body: unknown; headers?: Record<string, string> | undefined }, forge = false) => ({
  body: d.body,
  ...(d.headers ? { headers: d.headers } : {}),
  ...(forge ? { forge } : {}),
});

/** A content type's media type and parameters, lower case. */
function mediaType(value: string | null): { type: string; params: string[] } {
  const [type = '', ...params] = (value ?? '').toLowerCase().split(';');
  return { type: type.trim(), params: params.map((p) => p.replace(/\s+/g, '')).filter(Boolean) };
}

/**
 * The provider-side subscription deliveries go to: for programmatic events the one the fake
 * recorded for the account (the subscription is reconciled here, as the events worker does it
 * after a link, when no worker runs); for manual events one registered with the inbound URL and
 * secret our server shows the account's owner, as an admin pastes them into the provider.
 */
async function eventsSubscription(world: ContractWorld, events: ConnectorEvents, accountId: string) {
  const { fake, server } = world;
  const read = async () => {
    const res = await call(server, 'GET', `/accounts/${accountId}/events`);
    expect(
      res.status === 200,
      `GET /accounts/${accountId}/events: ${res.status} ${JSON.stringify(res.json)}`,
    );
    return res.json;
  };
  let shown = await read();
  expect(
    shown.mode === events.mode,
    `the account's events are ${shown.mode}, the connector's ${events.mode}`,
  );
  expect(typeof shown.inbound_url === 'string', 'the account has no inbound URL');
  if (events.mode === 'manual') {
    expect(
      (shown.secret === null) === (events.secret === 'none'),
      `the account's secret is ${shown.secret === null ? 'not shown' : 'shown'}, with secret: ${events.secret}`,
    );
    return fake.subscribe(shown.inbound_url, shown.secret);
  }
  for (let round = 0; round < 20 && shown.subscription?.status !== 'active'; round++) {
    expect(
      shown.subscription?.status !== 'off' && shown.subscription?.status !== 'failed',
      `the subscription is ${shown.subscription?.status}: ${shown.subscription?.last_error}`,
    );
    const worker = server.app.eventsWorker;
    if (worker) await worker.runOnce();
    else
      for (const id of await claimDueSubscriptions(server.app.deps, 100))
        await reconcileSubscription(server.app.deps, id);
    shown = await read();
  }
  expect(
    shown.subscription?.status === 'active',
    `the subscription is ${shown.subscription?.status}: ${shown.subscription?.last_error} ${fake.problems.join('; ')}`,
  );
  const made = fake.subscriptions.get(shown.subscription.provider_id);
  expect(made, `the provider holds no subscription ${shown.subscription.provider_id}`);
  expect(
    made.url === shown.inbound_url,
    `the subscription delivers to ${made.url}, not the account's inbound URL`,
  );
  return made.id;
}

/** Links the contract's end user again with other config values: the same account, relinked. */
async function relink(world: ContractWorld, config: Record<string, string>) {
  const before = needAccount(world);
  const check = world.connector.auth.type === 'oauth2' ? oauthLinkCheck : apiKeyLinkCheck;
  await check.run({ ...world, fixture: { ...world.fixture, config } });
  expect(
    world.state.accountId === before,
    `linking again made account ${world.state.accountId}, not ${before}`,
  );
}

/**
 * Connector events: the fixture's sample, delivered as the provider signs it, is acknowledged
 * as `ack` declares and stored for the account as the event the fixture names; the same sample
 * signed with another secret is refused (4xx) and nothing is stored. Without a secret
 * (`secret: "none"`) there is nothing to forge: the fixture's `refused` delivery, which the
 * verify checks must refuse, takes its place; without one that half is skipped, and the name says so.
 */
function eventsCheck(events: ConnectorEvents, fixture: NonNullable<Fixture['events']>): ContractCheck {
  const unsigned = events.secret === 'none';
  const refusal = unsigned
    ? fixture.refused
      ? "one the verify checks fail (no secret to forge: the fixture's `refused`) is refused"
      : 'no secret to forge and no `refused` sample: the refusal is not checked'
    : 'a forged one is refused';
  return {
    name: `events: a ${unsigned ? '' : 'signed '}delivery is acknowledged as \`ack\` declares and recorded; ${refusal}`,
    run: async (world) => {
      const { fake } = world;
      if (fixture.config) await relink(world, { ...world.fixture.config, ...fixture.config });
      const accountId = needAccount(world);
      const subscription = await eventsSubscription(world, events, accountId);
      const { event } = fixture.sample;
      const mapped = events.types.find((t) => t.name === event);
      expect(mapped, `the fixture's sample event ${event} is not one the connector declares`);

      const seen = new Set((await loggedDeliveries(world, accountId)).map((d) => d.id));
      const answer = await fake.deliver(subscription, asDelivery(fixture.sample));
      expect(
        answer.status === events.ack.status,
        `the delivery got ${answer.status} ${answer.body.slice(0, 200)}, \`ack\` declares ${events.ack.status}`,
      );
      const got = mediaType(answer.contentType);
      const want = mediaType(events.ack.content_type);
      expect(
        got.type === want.type && want.params.every((p) => got.params.includes(p)),
        `the acknowledgement's content type is ${answer.contentType}, \`ack\` declares ${events.ack.content_type}`,
      );
      expect(
        answer.body === events.ack.body,
        `the acknowledgement's body is ${answer.body.slice(0, 200)}, \`ack\` declares ${events.ack.body.slice(0, 200)}`,
      );
      const logged = await newDeliveries(world, accountId, seen);
      expect(logged.length === 1, `${logged.length} deliveries were logged for the account, not 1`);
      const [delivery] = logged as [LoggedDelivery];
      expect(
        delivery.outcome === 'accepted' && delivery.new_items > 0,
        `the delivery was logged ${delivery.outcome} (${delivery.reason ?? `${delivery.new_items} new events`})`,
      );
      const types = delivery.events.map(
        (e) => events.types.find((t) => t.provider_event === e.provider_type)?.name ?? `(${e.provider_type})`,
      );
      expect(
        types.includes(event),
        `the delivery was stored as ${types.join(', ') || 'no event'}, not ${event}`,
      );

      const forged = unsigned
        ? fixture.refused && asDelivery(fixture.refused)
        : asDelivery(fixture.sample, true);
      if (!forged) return;
      const stored = await storedEvents(world, accountId);
      const before = new Set((await loggedDeliveries(world, accountId)).map((d) => d.id));
      const refused = await fake.deliver(subscription, forged);
      expect(
        refused.status >= 400 && refused.status < 500,
        `the ${unsigned ? 'unverifiable' : 'forged'} delivery got ${refused.status} ${refused.body.slice(0, 200)}, not a refusal`,
      );
      const rejected = await newDeliveries(world, accountId, before);
      expect(
        rejected.length === 1 && rejected[0]!.outcome === 'rejected' && rejected[0]!.items === 0,
        `the refused delivery was logged as ${JSON.stringify(rejected.map((d) => d.outcome))}, not one rejected`,
      );
      const now = await storedEvents(world, accountId);
      expect(now === stored, `the refused delivery stored ${now - stored} events`);
    },
  };
}

/** The rate-limit check, for a connector that declares its rate limit and has an action to call. */
/** One check per declared rule, each played by the fake as that rule reads. */
function rateLimitChecks(connector: Connector): ContractCheck[] {
  const action = connector.actions[0];
  if (!connector.rate_limit || !action) return [];
  const rules = rateLimitRules(connector.rate_limit);
  return rules.map((_, i) => rateLimitCheck(action, i, rules.length));
}

/** The checks of one connector, in the order they run (later ones use what earlier ones linked). */
export function contractChecks(connector: Connector, fixture: Fixture): ContractCheck[] {
  const auth = connector.auth.type === 'oauth2' ? connector.auth : null;
  if (auth?.grant === 'client_credentials')
    return [
      urlsCheck,
      profileCheck,
      // The Hub credential form takes the client; Switchboard mints the token server-side.
      apiKeyLinkCheck,
      goodTestAction,
      badTestActionOAuth,
      ...connector.actions.map(actionCheck),
      ...rateLimitChecks(connector),
      ...(connector.events && fixture.events ? [eventsCheck(connector.events, fixture.events)] : []),
      reMint,
      hostsCheck,
    ];
  return [
    urlsCheck,
    profileCheck,
    auth ? oauthLinkCheck : apiKeyLinkCheck,
    ...(auth?.authorize_preflight && auth.client_from === 'config' ? [preflightCheck(auth)] : []),
    goodTestAction,
    auth ? badTestActionOAuth : badTestActionApiKey,
    ...connector.actions.map(actionCheck),
    ...rateLimitChecks(connector),
    // Before the refresh checks, which may leave the account unusable.
    ...(connector.events && fixture.events ? [eventsCheck(connector.events, fixture.events)] : []),
    ...(auth && fixture.token.refresh_token ? [refreshRotation(auth)] : []),
    // Without rotation there is no rotated-out token to present again.
    ...(auth && fixture.token.refresh_token && fixture.token.rotate ? [refreshReuse(auth)] : []),
    ...(auth && !fixture.token.refresh_token ? [noRefreshToken] : []),
    ...(auth?.revoke_url ? [revokeCheck] : []),
    hostsCheck,
  ];
}

/**
 * Starts the fake provider, the internet stand-in in front of it and a server (through
 * `startServer`, given the outbound pool); registers the server's OAuth callback with the fake.
 */
export async function startContractWorld(
  connector: Connector,
  fixture: Fixture,
  startServer: (http: Dispatcher) => Promise<ContractServer & { close(): Promise<void> }>,
): Promise<ContractWorld & { close(): Promise<void> }> {
  expect(
    fixture.connector === connector.key,
    `the fixture is for ${fixture.connector}, not ${connector.key}`,
  );
  const fake = await startFakeProvider(connector, fixture);
  const internet = await startInternet(fake.routes).catch(async (err) => {
    await fake.close();
    throw err;
  });
  let server: ContractServer & { close(): Promise<void> };
  try {
    server = await startServer(internet.http);
  } catch (err) {
    await internet.close();
    await fake.close();
    throw err;
  }
  fake.allowRedirectUri(`${server.app.deps.settings.publicUrl()}/connect/oauth2/${connector.key}/callback`);
  return {
    connector,
    fixture,
    fake,
    internet,
    server,
    state: { rotatedOut: [] },
    close: async () => {
      await server.close();
      await internet.close();
      await fake.close();
    },
  };
}

/** Runs the checks in order; every result goes to `onResult` as soon as it is known. */
export async function runChecks(
  world: ContractWorld,
  checks: ContractCheck[],
  onResult: (r: CheckResult) => void = () => undefined,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const started = performance.now();
    let result: CheckResult;
    try {
      await check.run(world);
      result = { name: check.name, ok: true, ms: performance.now() - started };
    } catch (err) {
      result = {
        name: check.name,
        ok: false,
        reason: (err as Error).message,
        ms: performance.now() - started,
      };
    }
    results.push(result);
    onResult(result);
  }
  return results;
}
