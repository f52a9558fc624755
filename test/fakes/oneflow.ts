// Fake Oneflow: API-token auth where every call names the acting user by
// email. Error bodies follow Oneflow's
// {detail, error_code, parameter_problems, status, title, info} envelope.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { RateWindow, matchPath, parseIntParam, sendJson, startServer } from './common.js';
import type { FakeServer, LoggedRequest, RequestContext } from './common.js';

export type { FakeServer, LoggedRequest } from './common.js';

export interface OneflowErrorBody {
  detail: string;
  error_code: string | null;
  /** Parameter name → problems with it; `{}` when the error is not about parameters. */
  parameter_problems: Record<string, string[]>;
  status: number;
  title: string;
  info: Record<string, unknown> | null;
}

export interface OneflowUser {
  id: number;
  name: string;
  email: string;
  /** Mutable: an inactive user is refused with 403. */
  active: boolean;
}

export type OneflowItem = Record<string, unknown> & { id: number };

export interface OneflowLink {
  href: string;
}

export interface OneflowList {
  _links: { next: OneflowLink | null; prev: OneflowLink | null; self: OneflowLink };
  count: number;
  data: OneflowItem[];
}

export interface FakeOneflowOptions {
  /** Requests per token per 5 minutes. Default 2000 (Oneflow's documented limit). */
  rateLimit?: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
};

export function oneflowError(
  status: number,
  detail: string,
  errorCode: string | null = null,
  parameterProblems: Record<string, string[]> = {},
): OneflowErrorBody {
  return {
    detail,
    error_code: errorCode,
    parameter_problems: parameterProblems,
    status,
    title: TITLES[status] ?? 'Error',
    info: null,
  };
}

function sendError(res: ServerResponse, body: OneflowErrorBody, headers: Record<string, string> = {}): void {
  sendJson(res, body.status, body, headers);
}

const STATES = ['draft', 'pending', 'signed', 'declined', 'overdue', 'signed', 'draft'];

function seedWorkspaces(): OneflowItem[] {
  return [
    { id: 1, name: 'Sales', description: 'Sales contracts', created_time: '2023-01-10T09:00:00+00:00' },
    { id: 2, name: 'HR', description: 'Employment contracts', created_time: '2023-02-10T09:00:00+00:00' },
  ];
}

function seedTemplates(): OneflowItem[] {
  return [
    { id: 501, name: 'NDA', active: true, workspace_ids: [1, 2] },
    { id: 502, name: 'Sales agreement', active: true, workspace_ids: [1] },
    { id: 503, name: 'Employment contract', active: true, workspace_ids: [2] },
  ];
}

function seedContracts(): OneflowItem[] {
  return STATES.map((state, i) => {
    const created = new Date(Date.UTC(2024, 0, i + 1, 9)).toISOString().replace('.000Z', '+00:00');
    return {
      id: 1001 + i,
      name: `Contract ${i + 1}`,
      state,
      workspace_id: i % 3 === 2 ? 2 : 1,
      template: { id: i % 3 === 2 ? 503 : 502 },
      created_time: created,
      updated_time: created,
      _links: { self: { href: `/v1/contracts/${1001 + i}` } },
    };
  });
}

export class FakeOneflow implements FakeServer {
  url = '';
  port = 0;
  requests: LoggedRequest[] = [];

  // --- knobs (restored by reset()) ---
  /** The next n calls with a valid token answer 429. */
  rateLimitNext = 0;

  // --- counters (zeroed by reset()) ---
  /** Calls that passed authentication (token and user). */
  apiRequests = 0;
  pingRequests = 0;
  /** Calls refused with 401 or 403. */
  authFailures = 0;

  readonly contracts: OneflowItem[] = seedContracts();
  readonly workspaces: OneflowItem[] = seedWorkspaces();
  readonly templates: OneflowItem[] = seedTemplates();

  /** Callback ids of the notifications `notify` sent, to make each unique. */
  private callbackSeq = 0;

  /**
   * Sends a webhook notification as Oneflow does: the contract id, a callback id, the events,
   * and `signature` = sha1(callback_id + sign key) in the body. Returns the HTTP answer.
   */
  async notify(
    url: string,
    signKey: string,
    contractId: number,
    types: string[],
    opts: { callbackId?: string; forge?: boolean } = {},
  ): Promise<{ status: number; body: string; callbackId: string }> {
    const callbackId = opts.callbackId ?? `cb-${Date.now()}-${++this.callbackSeq}`;
    const signature = createHash('sha1')
      .update(callbackId + (opts.forge ? 'not-the-key' : signKey))
      .digest('hex');
    const body = {
      contract: { id: contractId },
      callback_id: callbackId,
      events: types.map((type, i) => ({ id: 9000 + i, type, created_time: new Date().toISOString() })),
      signature,
    };
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.text(), callbackId };
  }

  private readonly tokens = new Map<string, Map<string, OneflowUser>>();
  private readonly windows = new Map<string, RateWindow>();
  private readonly rateLimit: number;
  private userSeq = 0;
  private closeServer: () => Promise<void> = async () => {};

  constructor(opts: FakeOneflowOptions = {}) {
    this.rateLimit = opts.rateLimit ?? 2000;
  }

  /** @internal wiring used by startFakeOneflow */
  attach(url: string, port: number, requests: LoggedRequest[], close: () => Promise<void>): void {
    this.url = url;
    this.port = port;
    this.requests = requests;
    this.closeServer = close;
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  /**
   * Registers an API token and the (active) users it may act as. Calling it
   * again for the same token adds users. Format is not enforced, so tests can
   * also probe what the connector does with odd tokens.
   */
  addToken(token: string, emails: string[]): void {
    let users = this.tokens.get(token);
    if (!users) {
      users = new Map();
      this.tokens.set(token, users);
    }
    for (const email of emails) {
      const key = email.toLowerCase();
      if (users.has(key)) continue;
      const id = ++this.userSeq;
      users.set(key, { id, email, name: email.split('@')[0] ?? email, active: true });
    }
  }

  /** Simulates the token being deleted in Oneflow. */
  removeToken(token: string): void {
    this.tokens.delete(token);
    this.windows.delete(token);
  }

  /** Users of a token (live objects: set `active = false` to deactivate one). */
  users(token: string): OneflowUser[] {
    return [...(this.tokens.get(token)?.values() ?? [])];
  }

  /** Restores knobs and counters, clears rate windows and the request log; tokens and data stay. */
  reset(): void {
    this.rateLimitNext = 0;
    this.apiRequests = 0;
    this.pingRequests = 0;
    this.authFailures = 0;
    this.windows.clear();
    this.requests.length = 0;
  }

  /** @internal */
  async handle(ctx: RequestContext): Promise<void> {
    const { res, path, headers, method, params } = ctx;
    if (path !== '/v1' && !path.startsWith('/v1/')) {
      return sendError(res, oneflowError(404, 'Not found.', 'not_found'));
    }

    // Auth order: token (401), then rate limit (per token), then user (403).
    const token = headers['x-oneflow-api-token'];
    if (typeof token !== 'string' || token === '') {
      this.authFailures++;
      return sendError(res, oneflowError(401, 'Missing API token', 'missing_api_token'));
    }
    const users = this.tokens.get(token);
    if (!users) {
      this.authFailures++;
      return sendError(res, oneflowError(401, 'Invalid API token', 'invalid_api_token'));
    }
    let window = this.windows.get(token);
    if (!window) {
      window = new RateWindow(this.rateLimit, 5 * 60 * 1000);
      this.windows.set(token, window);
    }
    if (this.rateLimitNext > 0 || !window.take()) {
      if (this.rateLimitNext > 0) this.rateLimitNext--;
      return sendError(res, oneflowError(429, 'Request was throttled.', 'rate_limited'), {
        'retry-after': '60',
      });
    }
    const email = headers['x-oneflow-user-email'];
    if (typeof email !== 'string' || email === '') {
      this.authFailures++;
      return sendError(res, oneflowError(403, 'Missing x-oneflow-user-email header', 'missing_user_email'));
    }
    const user = users.get(email.toLowerCase());
    if (!user?.active) {
      this.authFailures++;
      return sendError(res, oneflowError(403, 'The user does not exist or is not active', 'invalid_user'));
    }
    this.apiRequests++;
    if (method !== 'GET')
      return sendError(res, oneflowError(405, `Method "${method}" not allowed.`, 'method_not_allowed'));

    if (path === '/v1/ping' || path === '/v1/ping/') {
      this.pingRequests++;
      return sendJson(res, 200, {});
    }
    if (path === '/v1/accounts/me') {
      return sendJson(res, 200, {
        id: 1,
        name: 'Fake Company AB',
        _links: { self: { href: '/v1/accounts/me' } },
      });
    }
    if (path === '/v1/contracts') return this.list(res, path, params, this.filterContracts(res, params));
    if (path === '/v1/workspaces') return this.list(res, path, params, this.workspaces);
    if (path === '/v1/templates') return this.list(res, path, params, this.templates);
    if (path === '/v1/users') {
      const list = [...users.values()].map((u) => ({
        id: u.id,
        name: u.name,
        email: u.email,
        state: u.active ? 'active' : 'inactive',
      }));
      return this.list(res, path, params, list);
    }
    const one = matchPath('/v1/contracts/:id', path);
    if (one) {
      const id = one.id ?? '';
      const found = /^\d+$/.test(id) ? this.contracts.find((c) => c.id === Number(id)) : undefined;
      if (!found) return sendError(res, oneflowError(404, 'Contract not found.', 'not_found'));
      return sendJson(res, 200, found);
    }
    sendError(res, oneflowError(404, 'Not found.', 'not_found'));
  }

  // Supports filter[state] (comma list) and filter[workspace_ids] (comma list of
  // ids); other filters are ignored as the fake has no data for them.
  private filterContracts(res: ServerResponse, params: URLSearchParams): OneflowItem[] | null {
    let out = this.contracts;
    const states = params.get('filter[state]');
    if (states) {
      const wanted = states.split(',').map((s) => s.trim());
      out = out.filter((c) => wanted.includes(String(c.state)));
    }
    const ws = params.get('filter[workspace_ids]');
    if (ws) {
      const ids = ws.split(',').map((s) => s.trim());
      if (ids.some((s) => !/^\d+$/.test(s))) {
        sendError(
          res,
          oneflowError(400, 'Invalid parameters.', 'invalid_parameters', {
            'filter[workspace_ids]': ['Must be a comma-separated list of integers.'],
          }),
        );
        return null;
      }
      out = out.filter((c) => ids.includes(String(c.workspace_id)));
    }
    return out;
  }

  /** `_links` hrefs are relative and keep every other query parameter. */
  private list(
    res: ServerResponse,
    path: string,
    params: URLSearchParams,
    items: OneflowItem[] | null,
  ): void {
    if (items === null) return;
    const limit = parseIntParam(params.get('limit'), 100);
    const offset = parseIntParam(params.get('offset'), 0);
    const problems: Record<string, string[]> = {};
    if (limit === null || limit < 1 || limit > 100)
      problems.limit = ['Must be an integer between 1 and 100.'];
    if (offset === null || offset < 0) problems.offset = ['Must be an integer greater than or equal to 0.'];
    if (limit === null || offset === null || Object.keys(problems).length > 0) {
      return sendError(res, oneflowError(400, 'Invalid parameters.', 'invalid_parameters', problems));
    }
    const href = (o: number): OneflowLink => {
      const q = new URLSearchParams(params);
      q.set('limit', String(limit));
      q.set('offset', String(o));
      return { href: `${path}?${q.toString()}` };
    };
    const body: OneflowList = {
      _links: {
        next: offset + limit < items.length ? href(offset + limit) : null,
        prev: offset > 0 ? href(Math.max(0, offset - limit)) : null,
        self: href(offset),
      },
      count: items.length,
      data: items.slice(offset, offset + limit),
    };
    sendJson(res, 200, body);
  }
}

export async function startFakeOneflow(
  opts: FakeOneflowOptions & { port?: number } = {},
): Promise<FakeOneflow> {
  const fake = new FakeOneflow(opts);
  const srv = await startServer((ctx) => fake.handle(ctx), opts.port ?? 0);
  fake.attach(srv.url, srv.port, srv.requests, srv.close);
  return fake;
}
