import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { pkceS256, randomToken } from './common.js';
import { startFakeKustomer } from './kustomer.js';
import type { FakeKustomer } from './kustomer.js';
import { startFakeSalesforce } from './salesforce.js';
import type { FakeSalesforce } from './salesforce.js';
import { startFakeOneflow } from './oneflow.js';
import type { FakeOneflow } from './oneflow.js';

const REDIRECT = 'http://127.0.0.1:9/connect/oauth2/callback';

function form(values: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

async function authorize(
  base: string,
  path: string,
  params: Record<string, string>,
): Promise<{ status: number; location: URL | null; res: Response }> {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  const loc = res.headers.get('location');
  return { status: res.status, location: loc ? new URL(loc) : null, res };
}

async function json(res: Response): Promise<unknown> {
  return JSON.parse(await res.text()) as unknown;
}

// Loose accessor so assertions can reach into untyped JSON without casts everywhere.
type J = Record<string, any>;

describe('fake Kustomer', () => {
  let k: FakeKustomer;
  const clientId = 'kus-client';
  const clientSecret = 'kus-secret';

  beforeAll(async () => {
    k = await startFakeKustomer();
    k.registerApp({ clientId, clientSecret, redirectUris: [REDIRECT] });
    k.registerApp({
      clientId: 'not-installed',
      clientSecret: 's',
      redirectUris: [REDIRECT],
      installed: false,
    });
  });
  afterAll(() => k.close());
  beforeEach(() => k.reset());

  async function connect(scope = 'org.permission.customer offline_access'): Promise<J> {
    const verifier = randomToken('', 32);
    const a = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope,
      state: 'st1',
      code_challenge: pkceS256(verifier),
      code_challenge_method: 'S256',
    });
    expect(a.status).toBe(302);
    const code = a.location?.searchParams.get('code') ?? '';
    const res = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: clientId,
        client_secret: clientSecret,
        code_verifier: verifier,
      }),
    );
    expect(res.status).toBe(200);
    return (await json(res)) as J;
  }

  it('runs the code flow with PKCE and serves the API', async () => {
    const tokens = await connect();
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      expires_in: 86400,
      scope: 'org.permission.customer offline_access',
    });
    expect(typeof tokens.refresh_token).toBe('string');
    expect(k.lastAuthorization?.state).toBe('st1');

    const me = await fetch(`${k.url}/v1/users/current`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(((await json(me)) as J).data).toMatchObject({ type: 'user', id: 'usr_1' });
  });

  it('redirects with code and state', async () => {
    const a = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'offline_access',
      state: 'xyz',
    });
    expect(a.status).toBe(302);
    expect(a.location?.origin + (a.location?.pathname ?? '')).toBe(REDIRECT);
    expect(a.location?.searchParams.get('state')).toBe('xyz');
    expect(a.location?.searchParams.get('code')).toBeTruthy();
  });

  it('answers 400 Invalid Client for unknown or uninstalled apps', async () => {
    for (const id of ['nope', 'not-installed']) {
      const a = await authorize(k.url, '/oauth/authorize', {
        client_id: id,
        redirect_uri: REDIRECT,
        response_type: 'code',
        state: 's',
      });
      expect(a.status).toBe(400);
      expect(a.res.headers.get('content-type')).toContain('application/json');
      expect(await json(a.res)).toEqual({ error: 'invalid_client', error_description: 'Invalid Client' });
    }
    const t = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: 'not-installed',
        client_secret: 's',
        redirect_uri: REDIRECT,
      }),
    );
    expect(t.status).toBe(400);
    expect(await json(t)).toMatchObject({ error_description: 'Invalid Client' });
  });

  it('rejects a redirect_uri that does not match exactly', async () => {
    const a = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: `${REDIRECT}/`,
      response_type: 'code',
    });
    expect(a.status).toBe(400);
    expect(a.location).toBeNull();
  });

  it('redirects access_denied when the user refuses', async () => {
    k.denyNext = true;
    const a = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      state: 'q',
    });
    expect(a.location?.searchParams.get('error')).toBe('access_denied');
    expect(a.location?.searchParams.get('state')).toBe('q');
    const again = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
    });
    expect(again.location?.searchParams.get('code')).toBeTruthy();
  });

  it('enforces PKCE, single-use codes and form encoding', async () => {
    const verifier = randomToken('', 32);
    const a = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'offline_access',
      code_challenge: pkceS256(verifier),
      code_challenge_method: 'S256',
    });
    const code = a.location?.searchParams.get('code') ?? '';
    const wrong = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: clientId,
        client_secret: clientSecret,
        code_verifier: 'wrong',
      }),
    );
    expect(wrong.status).toBe(400);
    expect(await json(wrong)).toMatchObject({ error: 'invalid_grant' });
    // The failed attempt consumed the code.
    const reuse = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: clientId,
        client_secret: clientSecret,
        code_verifier: verifier,
      }),
    );
    expect(reuse.status).toBe(400);

    const jsonBody = await fetch(`${k.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    });
    expect(jsonBody.status).toBe(400);
    expect(await json(jsonBody)).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it('accepts HTTP Basic client authentication', async () => {
    const a = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'x',
    });
    const res = await fetch(`${k.url}/oauth/token`, {
      ...form({
        grant_type: 'authorization_code',
        code: a.location?.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT,
      }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(200);
    // No offline_access, no refresh token.
    expect((await json(res)) as J).not.toHaveProperty('refresh_token');
  });

  it('rotates refresh tokens and rejects the old one', async () => {
    const first = await connect();
    const r1 = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(r1.status).toBe(200);
    const second = (await json(r1)) as J;
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const old = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(old.status).toBe(400);
    expect(await json(old)).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
    expect(k.refreshRequests).toBe(2);
    expect(k.reusedRefreshTokens).toBe(1);
    expect(k.tokenRequests).toBe(3);
    expect(k.isRefreshTokenValid(second.refresh_token)).toBe(true);
  });

  it('401s expired or revoked access tokens and honours failTokenWith', async () => {
    const t = await connect();
    const auth = { authorization: `Bearer ${t.access_token}` };
    k.expireAccessTokens();
    const r = await fetch(`${k.url}/v1/customers`, { headers: auth });
    expect(r.status).toBe(401);
    expect(await json(r)).toEqual({ errors: [{ status: 401, title: 'Unauthorized' }] });

    k.failTokenWith = { status: 503, body: { error: 'temporarily_unavailable' } };
    const f = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(f.status).toBe(503);
    k.failTokenWith = null;

    k.revokeAll();
    const f2 = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(f2.status).toBe(400);
  });

  it('pages customers, 404s unknown ones and rate-limits on demand', async () => {
    const t = await connect();
    const auth = { authorization: `Bearer ${t.access_token}` };
    const p1 = (await json(await fetch(`${k.url}/v1/customers?pageSize=20`, { headers: auth }))) as J;
    expect(p1.data).toHaveLength(20);
    expect(p1.links.next).toBe('/v1/customers?page=2&pageSize=20');
    const p2 = (await json(await fetch(new URL(p1.links.next, k.url), { headers: auth }))) as J;
    expect(p2.data).toHaveLength(10);
    expect(p2.links.next).toBeNull();

    const id = k.customers[0]?.id ?? '';
    expect((await fetch(`${k.url}/v1/customers/${id}`, { headers: auth })).status).toBe(200);
    const missing = await fetch(`${k.url}/v1/customers/000000000000000000000000`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(((await json(missing)) as J).errors[0].status).toBe(404);

    const conv = k.conversations[0]?.id ?? '';
    const msgs = (await json(
      await fetch(`${k.url}/v1/conversations/${conv}/messages`, { headers: auth }),
    )) as J;
    expect(msgs.data).toHaveLength(3);

    k.rateLimitNext = 2;
    expect((await fetch(`${k.url}/v1/conversations`, { headers: auth })).status).toBe(429);
    expect((await fetch(`${k.url}/v1/conversations`, { headers: auth })).status).toBe(429);
    expect((await fetch(`${k.url}/v1/conversations`, { headers: auth })).status).toBe(200);

    expect((await fetch(`${k.url}/nope`)).status).toBe(404);
    expect(k.requests.some((r) => r.path === '/nope')).toBe(true);
  });

  it('expires authorization codes after 10 minutes', async () => {
    const a = await authorize(k.url, '/oauth/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
    });
    k.advanceTime(10 * 60 * 1000 + 1);
    const res = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'authorization_code',
        code: a.location?.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(res.status).toBe(400);
  });
});

describe('fake Salesforce', () => {
  let sf: FakeSalesforce;
  const clientId = 'sf-client';
  const clientSecret = 'sf-secret';

  beforeAll(async () => {
    sf = await startFakeSalesforce();
    sf.registerApp({ clientId, clientSecret, redirectUris: [REDIRECT] });
    sf.registerApp({ clientId: 'legacy', clientSecret, redirectUris: [REDIRECT], requirePkce: false });
  });
  afterAll(() => sf.close());
  beforeEach(() => sf.reset());

  async function connect(): Promise<J> {
    const verifier = randomToken('', 32);
    const a = await authorize(sf.url, '/services/oauth2/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'api refresh_token offline_access',
      state: 's',
      code_challenge: pkceS256(verifier),
      code_challenge_method: 'S256',
    });
    expect(a.status).toBe(302);
    const res = await fetch(
      `${sf.url}/services/oauth2/token`,
      form({
        grant_type: 'authorization_code',
        code: a.location?.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT,
        client_id: clientId,
        client_secret: clientSecret,
        code_verifier: verifier,
      }),
    );
    expect(res.status).toBe(200);
    return (await json(res)) as J;
  }

  it('runs the PKCE code flow; the response has instance_url and no expires_in', async () => {
    const t = await connect();
    expect(t).toMatchObject({
      token_type: 'Bearer',
      instance_url: sf.url,
      scope: 'api refresh_token offline_access',
    });
    expect(t).not.toHaveProperty('expires_in');
    expect(t.issued_at).toMatch(/^\d{13}$/);
    expect(typeof t.refresh_token).toBe('string');
    expect(typeof t.signature).toBe('string');

    const res = await fetch(`${t.instance_url}/services/data/v60.0/`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
  });

  it('redirects "missing required code challenge" when PKCE is required but absent', async () => {
    const a = await authorize(sf.url, '/services/oauth2/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      state: 'z',
    });
    expect(a.status).toBe(302);
    expect(a.location?.searchParams.get('error')).toBe('invalid_request');
    expect(a.location?.searchParams.get('error_description')).toBe('missing required code challenge');
    expect(a.location?.searchParams.get('state')).toBe('z');
    // An app with PKCE not required accepts the same request.
    const legacy = await authorize(sf.url, '/services/oauth2/authorize', {
      client_id: 'legacy',
      redirect_uri: REDIRECT,
      response_type: 'code',
    });
    expect(legacy.location?.searchParams.get('code')).toBeTruthy();
  });

  it('handles unknown clients, redirect mismatch and denial', async () => {
    const unknown = await authorize(sf.url, '/services/oauth2/authorize', {
      client_id: 'nope',
      redirect_uri: REDIRECT,
      response_type: 'code',
    });
    expect(unknown.location?.searchParams.get('error')).toBe('invalid_client_id');
    expect(unknown.location?.searchParams.get('error_description')).toBe('client identifier invalid');

    const mismatch = await authorize(sf.url, '/services/oauth2/authorize', {
      client_id: clientId,
      redirect_uri: 'http://evil.example/cb',
      response_type: 'code',
    });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.res.text()).toContain('redirect_uri_mismatch');

    sf.consent = 'deny';
    const denied = await authorize(sf.url, '/services/oauth2/authorize', {
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: pkceS256('v'.repeat(43)),
    });
    expect(denied.location?.searchParams.get('error')).toBe('access_denied');
    expect(denied.location?.searchParams.get('error_description')).toBe('end-user denied authorization');
  });

  it('answers INVALID_SESSION_ID for expired tokens; refresh does not rotate by default and follows instanceUrl', async () => {
    const t = await connect();
    sf.expireAccessTokens();
    const r = await fetch(
      `${sf.url}/services/data/v60.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`,
      {
        headers: { authorization: `Bearer ${t.access_token}` },
      },
    );
    expect(r.status).toBe(401);
    expect(await json(r)).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);

    sf.instanceUrl = 'https://na99.example.my.salesforce.com';
    const ref = await fetch(
      `${sf.url}/services/oauth2/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(ref.status).toBe(200);
    const body = (await json(ref)) as J;
    expect(body).not.toHaveProperty('refresh_token');
    expect(body.instance_url).toBe('https://na99.example.my.salesforce.com');
    expect(sf.isRefreshTokenValid(t.refresh_token)).toBe(true);
    expect(sf.refreshRequests).toBe(1);
  });

  it('rotates refresh tokens when asked and kills the old one', async () => {
    const t = await connect();
    sf.rotateRefreshTokens = true;
    const r1 = (await json(
      await fetch(
        `${sf.url}/services/oauth2/token`,
        form({
          grant_type: 'refresh_token',
          refresh_token: t.refresh_token,
          client_id: clientId,
          client_secret: clientSecret,
        }),
      ),
    )) as J;
    expect(typeof r1.refresh_token).toBe('string');
    const old = await fetch(
      `${sf.url}/services/oauth2/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(old.status).toBe(400);
    expect(await json(old)).toEqual({
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });
    expect(sf.reusedRefreshTokens).toBe(1);
  });

  it('revokes tokens', async () => {
    const t = await connect();
    const rv = await fetch(`${sf.url}/services/oauth2/revoke`, form({ token: t.refresh_token }));
    expect(rv.status).toBe(200);
    expect(await rv.text()).toBe('');
    expect(sf.revokeRequests).toBe(1);
    // Revoking the refresh token took its access token down too.
    const api = await fetch(`${sf.url}/services/data/v60.0/`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    expect(api.status).toBe(401);
    const again = await fetch(
      `${sf.url}/services/oauth2/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(again.status).toBe(400);
  });

  it('pages SOQL results through nextRecordsUrl and serves sobjects', async () => {
    const t = await connect();
    const auth = { authorization: `Bearer ${t.access_token}` };
    sf.pageSize = 2;
    const q = encodeURIComponent('SELECT Id, Name FROM Account ORDER BY Name');
    let page = (await json(
      await fetch(`${t.instance_url}/services/data/v60.0/query?q=${q}`, { headers: auth }),
    )) as J;
    const names: string[] = [];
    for (;;) {
      expect(page.totalSize).toBe(5);
      for (const rec of page.records as J[]) names.push(rec.Name);
      if (page.done) break;
      page = (await json(await fetch(new URL(page.nextRecordsUrl, t.instance_url), { headers: auth }))) as J;
    }
    expect(names).toEqual(['Acme Corp', 'Globex', 'Initech', 'Stark Industries', 'Umbrella']);

    const contacts = (await json(
      await fetch(
        `${sf.url}/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id, Email FROM Contact WHERE Email LIKE 'contact1%'")}`,
        { headers: auth },
      ),
    )) as J;
    expect(contacts.totalSize).toBe(1);
    const won = (await json(
      await fetch(
        `${sf.url}/services/data/v60.0/query?q=${encodeURIComponent('SELECT Id FROM Opportunity WHERE IsWon = true')}`,
        { headers: auth },
      ),
    )) as J;
    expect(won.totalSize).toBe(1);
    const bad = await fetch(
      `${sf.url}/services/data/v60.0/query?q=${encodeURIComponent('SELECT Bogus FROM Account')}`,
      { headers: auth },
    );
    expect(bad.status).toBe(400);
    expect(((await json(bad)) as J[])[0]?.errorCode).toBe('INVALID_FIELD');

    const id = sf.records.Account?.[0]?.Id ?? '';
    const one = await fetch(`${sf.url}/services/data/v60.0/sobjects/Account/${id}`, { headers: auth });
    expect(((await json(one)) as J).Name).toBe('Acme Corp');
    const missing = await fetch(`${sf.url}/services/data/v60.0/sobjects/Account/001000000000000AAA`, {
      headers: auth,
    });
    expect(missing.status).toBe(404);
    expect(((await json(missing)) as J[])[0]?.errorCode).toBe('NOT_FOUND');
  });
});

describe('fake Oneflow', () => {
  let of: FakeOneflow;
  const token = `${'a'.repeat(36)}-b1c`;

  beforeAll(async () => {
    of = await startFakeOneflow();
    of.addToken(token, ['owner@example.com']);
  });
  afterAll(() => of.close());
  beforeEach(() => of.reset());

  const h = (t: string | null, email: string | null): Record<string, string> => {
    const out: Record<string, string> = {};
    if (t !== null) out['x-oneflow-api-token'] = t;
    if (email !== null) out['x-oneflow-user-email'] = email;
    return out;
  };

  it('pings with a valid token and user', async () => {
    const r = await fetch(`${of.url}/v1/ping`, { headers: h(token, 'owner@example.com') });
    expect(r.status).toBe(200);
    expect(await json(r)).toEqual({});
    expect(of.pingRequests).toBe(1);
  });

  it('401s missing or unknown tokens and 403s unknown users', async () => {
    for (const t of [null, 'x'.repeat(40)]) {
      const r = await fetch(`${of.url}/v1/ping`, { headers: h(t, 'owner@example.com') });
      expect(r.status).toBe(401);
      const body = (await json(r)) as J;
      expect(body).toMatchObject({ status: 401, title: 'Unauthorized', parameter_problems: {}, info: null });
      expect(Object.keys(body).sort()).toEqual([
        'detail',
        'error_code',
        'info',
        'parameter_problems',
        'status',
        'title',
      ]);
    }
    const r = await fetch(`${of.url}/v1/ping`, { headers: h(token, 'stranger@example.com') });
    expect(r.status).toBe(403);
    expect(((await json(r)) as J).detail).toMatch(/does not exist or is not active/);
    expect(of.authFailures).toBe(3);
  });

  it('pages contracts, validates limit and 404s unknown contracts', async () => {
    const headers = h(token, 'owner@example.com');
    const p1 = (await json(await fetch(`${of.url}/v1/contracts?limit=5`, { headers }))) as J;
    expect(p1.count).toBe(7);
    expect(p1.data).toHaveLength(5);
    expect(p1._links.prev).toBeNull();
    const p2 = (await json(await fetch(new URL(p1._links.next.href, of.url), { headers }))) as J;
    expect(p2.data).toHaveLength(2);
    expect(p2._links.next).toBeNull();

    const bad = await fetch(`${of.url}/v1/contracts?limit=101`, { headers });
    expect(bad.status).toBe(400);
    expect(((await json(bad)) as J).parameter_problems).toHaveProperty('limit');

    expect((await fetch(`${of.url}/v1/contracts/1001`, { headers })).status).toBe(200);
    expect((await fetch(`${of.url}/v1/contracts/9999`, { headers })).status).toBe(404);
    for (const p of ['/v1/workspaces', '/v1/templates', '/v1/users']) {
      expect((await fetch(`${of.url}${p}`, { headers })).status).toBe(200);
    }
  });

  it('rate-limits on demand with the error envelope', async () => {
    of.rateLimitNext = 1;
    const r = await fetch(`${of.url}/v1/ping`, { headers: h(token, 'owner@example.com') });
    expect(r.status).toBe(429);
    expect(await json(r)).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect((await fetch(`${of.url}/v1/ping`, { headers: h(token, 'owner@example.com') })).status).toBe(200);
  });
});
