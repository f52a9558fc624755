// Fake Salesforce: web-server OAuth flow with PKCE, non-rotating refresh tokens
// (rotation optional), token revocation, and a REST API slice with a small
// SOQL engine. One server plays login.salesforce.com, test.salesforce.com and
// the instance host; the connector reaches it at those names through the internet stand-in
// (test/helpers/shipped.ts) and the `instance_url` the token endpoint hands out.
import type { ServerResponse } from 'node:http';
import { createHmac } from 'node:crypto';
import {
  FakeClock,
  isFormEncoded,
  matchPath,
  parseBasicAuth,
  parseBearer,
  parseForm,
  pkceS256,
  randomToken,
  redirect,
  scopeList,
  sendEmpty,
  sendJson,
  sendText,
  startServer,
  withQuery,
} from './common.js';
import type { FakeServer, LoggedRequest, RequestContext } from './common.js';

export type { FakeServer, LoggedRequest } from './common.js';

export interface SalesforceAppInput {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** "Require PKCE" on the Connected App. Default true, as for new apps. */
  requirePkce?: boolean;
  /** Selected OAuth scopes of the Connected App; requesting others fails. Default: api refresh_token offline_access id openid web full. */
  scopes?: string[];
}

export interface SalesforceApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  requirePkce: boolean;
  scopes: string[];
}

export interface FailResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface SalesforceTokenResponse {
  access_token: string;
  refresh_token?: string;
  signature: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
}

export interface SalesforceAuthorization {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | undefined;
  codeChallenge: string | undefined;
}

export type SfRecord = Record<string, unknown> & { Id: string };

export interface FakeSalesforceOptions {
  /** Records per query page before nextRecordsUrl kicks in. Default 2000. */
  pageSize?: number;
  /** Daily API limit reported in Sforce-Limit-Info. Default 15000. */
  apiLimit?: number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | undefined;
  expiresAt: number;
}

interface AccessRecord {
  clientId: string;
  scope: string;
  refreshToken: string | undefined;
  expired: boolean;
}

interface RefreshRecord {
  clientId: string;
  scope: string;
}

interface Cursor {
  sobject: string;
  records: SfRecord[];
  totalSize: number;
}

export const SF_ORG_ID = '00DFk0000000001AAA';
export const SF_USER_ID = '005Fk0000000001AAA';
const CODE_TTL_MS = 15 * 60 * 1000;
const DEFAULT_SCOPES = ['api', 'refresh_token', 'offline_access', 'id', 'openid', 'web', 'full'];
const SUPPORTED_VERSIONS = ['58.0', '59.0', '60.0', '61.0', '62.0'];

// Field lists double as the "describe": a SOQL query naming anything else gets
// INVALID_FIELD, as the real API does, so typos in the connector show up here.
const FIELDS: Record<string, string[]> = {
  Account: [
    'Id',
    'IsDeleted',
    'Name',
    'Type',
    'Industry',
    'Website',
    'Phone',
    'Description',
    'BillingStreet',
    'BillingCity',
    'BillingState',
    'BillingPostalCode',
    'BillingCountry',
    'AnnualRevenue',
    'NumberOfEmployees',
    'OwnerId',
    'ParentId',
    'CreatedDate',
    'CreatedById',
    'LastModifiedDate',
    'LastModifiedById',
    'SystemModstamp',
  ],
  Contact: [
    'Id',
    'IsDeleted',
    'AccountId',
    'FirstName',
    'LastName',
    'Name',
    'Salutation',
    'Title',
    'Email',
    'Phone',
    'MobilePhone',
    'Department',
    'MailingCity',
    'MailingCountry',
    'OwnerId',
    'CreatedDate',
    'CreatedById',
    'LastModifiedDate',
    'LastModifiedById',
    'SystemModstamp',
  ],
  Opportunity: [
    'Id',
    'IsDeleted',
    'AccountId',
    'Name',
    'Description',
    'StageName',
    'Amount',
    'Probability',
    'CloseDate',
    'Type',
    'LeadSource',
    'IsClosed',
    'IsWon',
    'ForecastCategory',
    'CurrencyIsoCode',
    'OwnerId',
    'CreatedDate',
    'CreatedById',
    'LastModifiedDate',
    'LastModifiedById',
    'SystemModstamp',
  ],
};
const KEY_PREFIX: Record<string, string> = { Account: '001', Contact: '003', Opportunity: '006' };

function sfId(sobject: string, n: number): string {
  return `${KEY_PREFIX[sobject] ?? '000'}Fk00000${String(n).padStart(5, '0')}AAA`;
}

function sfDate(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d, 10)).toISOString().replace('Z', '+0000');
}

function seed(): Record<string, SfRecord[]> {
  const base = (n: number): Record<string, unknown> => ({
    IsDeleted: false,
    OwnerId: SF_USER_ID,
    CreatedById: SF_USER_ID,
    LastModifiedById: SF_USER_ID,
    CreatedDate: sfDate(2024, 1, n),
    LastModifiedDate: sfDate(2024, 3, n),
    SystemModstamp: sfDate(2024, 3, n),
  });
  const names = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Stark Industries'];
  const industries = ['Manufacturing', 'Energy', 'Technology', 'Healthcare', 'Technology'];
  const accounts: SfRecord[] = names.map((name, i) => ({
    ...base(i + 1),
    Id: sfId('Account', i + 1),
    Name: name,
    Type: 'Customer - Direct',
    Industry: industries[i] ?? null,
    Website: `https://www.${name.toLowerCase().replace(/[^a-z]/g, '')}.example.com`,
    Phone: `+1 555 010${i}`,
    BillingCity: 'Springfield',
    BillingCountry: 'USA',
    AnnualRevenue: (i + 1) * 1_000_000,
    NumberOfEmployees: (i + 1) * 100,
  }));
  const contacts: SfRecord[] = [];
  for (let i = 1; i <= 8; i++) {
    const account = accounts[(i - 1) % accounts.length];
    contacts.push({
      ...base(i),
      Id: sfId('Contact', i),
      AccountId: account?.Id ?? null,
      FirstName: `First${i}`,
      LastName: `Last${i}`,
      Name: `First${i} Last${i}`,
      Title: i === 1 ? 'CEO' : 'Engineer',
      Email: `contact${i}@example.com`,
      Phone: `+1 555 020${i}`,
    });
  }
  const stages = [
    'Prospecting',
    'Qualification',
    'Proposal/Price Quote',
    'Closed Won',
    'Closed Lost',
    'Negotiation/Review',
  ];
  const opportunities: SfRecord[] = stages.map((stage, i) => ({
    ...base(i + 1),
    Id: sfId('Opportunity', i + 1),
    AccountId: accounts[i % accounts.length]?.Id ?? null,
    Name: `Deal ${i + 1}`,
    StageName: stage,
    Amount: (i + 1) * 10_000,
    Probability: stage === 'Closed Won' ? 100 : stage === 'Closed Lost' ? 0 : 20 + i * 10,
    CloseDate: `2024-0${(i % 9) + 1}-15`,
    IsClosed: stage.startsWith('Closed'),
    IsWon: stage === 'Closed Won',
  }));
  return { Account: accounts, Contact: contacts, Opportunity: opportunities };
}

// ---------------------------------------------------------------------------
// Minimal SOQL: SELECT f[, f…] | COUNT() FROM Obj [WHERE c AND c…]
// [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST]] [LIMIT n] [OFFSET n]
// Conditions: field op value with op in = != <> < <= > >= LIKE IN.
// Anything else is MALFORMED_QUERY so the fake never silently ignores intent.
// ---------------------------------------------------------------------------

export class SoqlError extends Error {
  constructor(
    public readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

type Literal = string | number | boolean | null;
interface Condition {
  field: string;
  op: string;
  value: Literal | Literal[];
}
interface ParsedQuery {
  sobject: string;
  fields: string[] | 'count';
  where: Condition[];
  orderBy: { field: string; desc: boolean; nullsLast: boolean } | undefined;
  limit: number | undefined;
  offset: number | undefined;
}

const QUERY_RE =
  /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(FIRST|LAST))?)?(?:\s+LIMIT\s+(\d+))?(?:\s+OFFSET\s+(\d+))?\s*$/is;

function splitOutsideQuotes(text: string, sep: RegExp): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\' && inQuote) {
      current += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === "'") inQuote = !inQuote;
    if (!inQuote) {
      sep.lastIndex = 0;
      const m = sep.exec(text.slice(i));
      if (m && m.index === 0) {
        parts.push(current);
        current = '';
        i += m[0].length - 1;
        continue;
      }
    }
    current += ch;
  }
  if (inQuote) throw new SoqlError('MALFORMED_QUERY', 'unterminated string literal');
  parts.push(current);
  return parts;
}

function parseLiteral(raw: string): Literal {
  const text = raw.trim();
  const str = /^'((?:[^'\\]|\\.)*)'$/s.exec(text);
  if (str) return (str[1] ?? '').replace(/\\(.)/g, '$1');
  if (/^null$/i.test(text)) return null;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  // Date and datetime literals are unquoted in SOQL; keep them as strings and
  // let compare() recognise them.
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?$/.test(text)) return text;
  throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${text}'`);
}

function canonicalField(sobject: string, name: string): string {
  const known = FIELDS[sobject] ?? [];
  const found = known.find((f) => f.toLowerCase() === name.toLowerCase());
  if (!found) {
    throw new SoqlError('INVALID_FIELD', `No such column '${name}' on entity '${sobject}'.`);
  }
  return found;
}

export function parseSoql(q: string): ParsedQuery {
  const m = QUERY_RE.exec(q);
  if (!m) throw new SoqlError('MALFORMED_QUERY', 'unexpected token in query');
  const [, selectPart = '', objectRaw = '', wherePart, orderField, orderDir, nulls, limit, offset] = m;
  const sobject = Object.keys(FIELDS).find((k) => k.toLowerCase() === objectRaw.toLowerCase());
  if (!sobject) {
    throw new SoqlError('INVALID_TYPE', `sObject type '${objectRaw}' is not supported.`);
  }
  let fields: string[] | 'count';
  if (/^COUNT\(\s*\)$/i.test(selectPart.trim())) {
    fields = 'count';
  } else {
    fields = selectPart.split(',').map((f) => {
      const name = f.trim();
      if (!/^\w+$/.test(name)) throw new SoqlError('MALFORMED_QUERY', `unsupported select item '${name}'`);
      return canonicalField(sobject, name);
    });
  }
  const where: Condition[] = [];
  if (wherePart !== undefined) {
    if (
      /\bOR\b|\bNOT\b|[()]/i.test(
        wherePart.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/\bIN\s*\(.*?\)/gi, ''),
      )
    ) {
      throw new SoqlError('MALFORMED_QUERY', 'the fake only supports AND-joined conditions');
    }
    for (const part of splitOutsideQuotes(wherePart, /^\s+AND\s+/i)) {
      const c = /^\s*(\w+)\s*(=|!=|<>|<=|>=|<|>|\bLIKE\b|\bIN\b)\s*(.+?)\s*$/is.exec(part);
      if (!c) throw new SoqlError('MALFORMED_QUERY', `cannot parse condition '${part.trim()}'`);
      const field = canonicalField(sobject, c[1] ?? '');
      const op = (c[2] ?? '').toUpperCase();
      const rawValue = c[3] ?? '';
      if (op === 'IN') {
        const list = /^\((.*)\)$/s.exec(rawValue);
        if (!list) throw new SoqlError('MALFORMED_QUERY', 'IN needs a parenthesised list');
        where.push({ field, op, value: splitOutsideQuotes(list[1] ?? '', /^\s*,\s*/).map(parseLiteral) });
      } else {
        where.push({ field, op, value: parseLiteral(rawValue) });
      }
    }
  }
  return {
    sobject,
    fields,
    where,
    orderBy:
      orderField !== undefined
        ? {
            field: canonicalField(sobject, orderField),
            desc: (orderDir ?? '').toUpperCase() === 'DESC',
            // SOQL's default is NULLS FIRST for ASC and NULLS LAST for DESC.
            nullsLast:
              nulls !== undefined
                ? nulls.toUpperCase() === 'LAST'
                : (orderDir ?? '').toUpperCase() === 'DESC',
          }
        : undefined,
    limit: limit !== undefined ? Number(limit) : undefined,
    offset: offset !== undefined ? Number(offset) : undefined,
  };
}

const DATEISH = /^\d{4}-\d{2}-\d{2}/;

function toTime(v: string): number {
  // Salesforce prints offsets as +0000, which Date.parse does not accept.
  return Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function compare(a: unknown, b: Literal): number | null {
  if (a === null || a === undefined || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') {
    if (DATEISH.test(a) && DATEISH.test(b)) {
      const ta = toTime(a);
      const tb = toTime(b);
      if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
    }
    // SOQL string comparison is case-insensitive.
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  return null;
}

function matches(record: SfRecord, cond: Condition): boolean {
  const actual = record[cond.field] ?? null;
  if (cond.op === 'IN') {
    return (cond.value as Literal[]).some((v) => (v === null ? actual === null : compare(actual, v) === 0));
  }
  const value = cond.value as Literal;
  if (cond.op === 'LIKE') {
    if (typeof actual !== 'string' || typeof value !== 'string') return false;
    const re = new RegExp(
      '^' +
        value
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.') +
        '$',
      'is',
    );
    return re.test(actual);
  }
  if (value === null) {
    if (cond.op === '=') return actual === null;
    if (cond.op === '!=' || cond.op === '<>') return actual !== null;
    return false;
  }
  const c = compare(actual, value);
  switch (cond.op) {
    case '=':
      return c === 0;
    case '!=':
    case '<>':
      return c !== 0;
    case '<':
      return c !== null && c < 0;
    case '<=':
      return c !== null && c <= 0;
    case '>':
      return c !== null && c > 0;
    case '>=':
      return c !== null && c >= 0;
    default:
      return false;
  }
}

export class FakeSalesforce implements FakeServer {
  /**
   * Sends an outbound message as Salesforce does: a SOAP `notifications` envelope (up to 100
   * Notification elements, each an Id and an sObject) to the endpoint a workflow names. Returns
   * the answer; Salesforce counts the message delivered only when it holds `<Ack>true</Ack>`.
   */
  async outboundMessage(
    url: string,
    notifications: Array<{ id: string; type: string; fields: Record<string, string> }>,
    opts: { orgId?: string } = {},
  ): Promise<{ status: number; body: string; contentType: string | null }> {
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const items = notifications
      .map(
        (n) =>
          `<Notification><Id>${n.id}</Id><sObject xsi:type="sf:${n.type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${Object.entries(
            n.fields,
          )
            .map(([k, v]) => `<sf:${k}>${esc(v)}</sf:${k}>`)
            .join('')}</sObject></Notification>`,
      )
      .join('');
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${opts.orgId ?? SF_ORG_ID}</OrganizationId><ActionId>04k5w000000TSwMAAW</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>${this.instanceUrl || this.url}/services/Soap/c/60.0</EnterpriseUrl><PartnerUrl>${this.instanceUrl || this.url}/services/Soap/u/60.0</PartnerUrl>${items}</notifications></soapenv:Body></soapenv:Envelope>`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body,
    });
    return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
  }

  url = '';
  port = 0;
  requests: LoggedRequest[] = [];

  // --- knobs (restored by reset()) ---
  /** API host returned as instance_url; defaults to this server's url. Change it to see a refresh update it. */
  instanceUrl = '';
  /** Where `reset()` puts `instanceUrl` back: the org's My Domain when the fake plays the real hosts. */
  instanceHome = '';
  /** When true a refresh returns a new refresh_token and the presented one dies. */
  rotateRefreshTokens = false;
  /** Records per query page. */
  pageSize: number;
  /** One-shot: the next authorize redirects with error=access_denied. */
  denyNext = false;
  /** Persistent consent answer of the simulated user. */
  consent: 'allow' | 'deny' = 'allow';
  /** Persistent: while set, every POST /services/oauth2/token answers with it. */
  failTokenWith: FailResponse | null = null;
  /** The next n API calls answer 403 REQUEST_LIMIT_EXCEEDED. */
  requestLimitNext = 0;
  /** Daily limit shown in Sforce-Limit-Info. */
  apiLimit: number;

  // --- counters (zeroed by reset()) ---
  authorizeRequests = 0;
  /** Every POST /services/oauth2/token. */
  tokenRequests = 0;
  /** Token calls with grant_type=refresh_token. */
  refreshRequests = 0;
  /** Calls to /services/oauth2/revoke. */
  revokeRequests = 0;
  /** Refresh attempts with a token that rotation had already replaced. */
  reusedRefreshTokens = 0;
  /** Authenticated REST calls; also the n of api-usage=n/limit. */
  apiRequests = 0;

  lastAuthorization: SalesforceAuthorization | null = null;

  /** Seed data by sObject name (Account, Contact, Opportunity); mutate freely. */
  readonly records: Record<string, SfRecord[]>;

  private readonly apps = new Map<string, SalesforceApp>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly rotatedRefreshTokens = new Set<string>();
  private readonly cursors = new Map<string, Cursor>();
  private cursorSeq = 0;
  private readonly clock = new FakeClock();
  private readonly defaults: { pageSize: number; apiLimit: number };
  private closeServer: () => Promise<void> = async () => {};

  constructor(opts: FakeSalesforceOptions = {}) {
    this.defaults = { pageSize: opts.pageSize ?? 2000, apiLimit: opts.apiLimit ?? 15000 };
    this.pageSize = this.defaults.pageSize;
    this.apiLimit = this.defaults.apiLimit;
    this.records = seed();
  }

  /** @internal wiring used by startFakeSalesforce */
  attach(url: string, port: number, requests: LoggedRequest[], close: () => Promise<void>): void {
    this.url = url;
    this.port = port;
    this.requests = requests;
    this.instanceUrl = url;
    this.closeServer = close;
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  registerApp(input: SalesforceAppInput): SalesforceApp {
    const app: SalesforceApp = {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUris: [...input.redirectUris],
      requirePkce: input.requirePkce ?? true,
      scopes: [...(input.scopes ?? DEFAULT_SCOPES)],
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  getApp(clientId: string): SalesforceApp | undefined {
    return this.apps.get(clientId);
  }

  /** Marks every access token as expired; refresh tokens stay valid. */
  expireAccessTokens(): void {
    for (const rec of this.accessTokens.values()) rec.expired = true;
  }

  /** Kills every access and refresh token (admin revoked the app's sessions). */
  revokeAll(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** Moves the fake's clock forward (authorization codes expire by it). */
  advanceTime(ms: number): void {
    this.clock.advance(ms);
  }

  issueTokens(clientId: string, scope: string): SalesforceTokenResponse {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`unknown client ${clientId}`);
    return this.issue(app, scope, true);
  }

  isAccessTokenValid(token: string): boolean {
    const rec = this.accessTokens.get(token);
    return rec !== undefined && !rec.expired;
  }

  isRefreshTokenValid(token: string): boolean {
    return this.refreshTokens.has(token);
  }

  /**
   * Restores knobs (instanceUrl back to the org's home) and counters and clears
   * the request log. Apps, tokens and records are kept.
   */
  reset(): void {
    this.instanceUrl = this.instanceHome || this.url;
    this.rotateRefreshTokens = false;
    this.pageSize = this.defaults.pageSize;
    this.denyNext = false;
    this.consent = 'allow';
    this.failTokenWith = null;
    this.requestLimitNext = 0;
    this.apiLimit = this.defaults.apiLimit;
    this.authorizeRequests = 0;
    this.tokenRequests = 0;
    this.refreshRequests = 0;
    this.revokeRequests = 0;
    this.reusedRefreshTokens = 0;
    this.apiRequests = 0;
    this.lastAuthorization = null;
    this.requests.length = 0;
  }

  /** @internal */
  async handle(ctx: RequestContext): Promise<void> {
    const { method, path, res } = ctx;
    if (path === '/services/oauth2/authorize') {
      if (method !== 'GET' && method !== 'POST')
        return sendJson(res, 405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: 'method not allowed' }]);
      return this.authorize(ctx);
    }
    if (path === '/services/oauth2/token') {
      if (method !== 'POST')
        return sendJson(res, 405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: 'method not allowed' }]);
      return this.token(ctx);
    }
    if (path === '/services/oauth2/revoke') return this.revoke(ctx);
    if (path === '/services/oauth2/userinfo') return this.identity(ctx, true);
    if (matchPath('/id/:org/:user', path)) return this.identity(ctx, false);
    if (path === '/services/data' || path === '/services/data/') return this.versions(ctx);
    if (path.startsWith('/services/data/')) return this.api(ctx);
    sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  }

  private authorize(ctx: RequestContext): void {
    const { params, res } = ctx;
    this.authorizeRequests++;
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const state = params.get('state') ?? undefined;
    const app = this.apps.get(clientId);
    const redirectable = (() => {
      try {
        return /^https?:$/.test(new URL(redirectUri).protocol);
      } catch {
        return false;
      }
    })();
    const fail = (error: string, description: string): void =>
      redirect(res, withQuery(redirectUri, { error, error_description: description, state }));

    if (!app) {
      if (!redirectable) return this.htmlError(res, 'invalid_client_id', 'client identifier invalid');
      return fail('invalid_client_id', 'client identifier invalid');
    }
    if (!app.redirectUris.includes(redirectUri)) {
      return this.htmlError(res, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    }
    if (params.get('response_type') !== 'code') {
      return fail('unsupported_response_type', 'response type not supported');
    }
    const challenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method') ?? undefined;
    if (challenge === undefined && app.requirePkce) {
      return fail('invalid_request', 'missing required code challenge');
    }
    // Salesforce only does S256 and treats an absent method as S256.
    if (challenge !== undefined && method !== undefined && method !== 'S256') {
      return fail('invalid_request', 'invalid code challenge method');
    }
    const requested = scopeList(params.get('scope') ?? undefined);
    const notAllowed = requested.filter((s) => !app.scopes.includes(s));
    if (notAllowed.length > 0) {
      return fail('invalid_scope', 'the requested scope is not allowed');
    }
    if (this.denyNext || this.consent === 'deny') {
      this.denyNext = false;
      return fail('access_denied', 'end-user denied authorization');
    }
    // No scope parameter means "everything the Connected App allows".
    const scope = (requested.length > 0 ? requested : app.scopes).join(' ');
    const code = randomToken('aPrx', 36);
    this.codes.set(code, {
      clientId,
      redirectUri,
      scope,
      codeChallenge: challenge,
      expiresAt: this.clock.now() + CODE_TTL_MS,
    });
    this.lastAuthorization = { code, clientId, redirectUri, scope, state, codeChallenge: challenge };
    redirect(res, withQuery(redirectUri, { code, state }));
  }

  private htmlError(res: ServerResponse, error: string, description: string): void {
    sendText(
      res,
      400,
      `<html><head><title>OAuth Error</title></head><body><h1>OAuth Error</h1>` +
        `<p>error=${error}</p><p>error_description=${description}</p></body></html>`,
      'text/html; charset=utf-8',
    );
  }

  private token(ctx: RequestContext): void {
    const { res, headers } = ctx;
    this.tokenRequests++;
    const form = isFormEncoded(headers) ? parseForm(ctx.body) : null;
    if (form?.grant_type === 'refresh_token') this.refreshRequests++;
    if (this.failTokenWith) {
      const f = this.failTokenWith;
      return sendJson(res, f.status, f.body, f.headers ?? {});
    }
    // Salesforce cannot see grant_type in a non-form body, hence this error.
    if (!form)
      return sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant type not supported',
      });

    const grant = form.grant_type;
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      return sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant type not supported',
      });
    }
    const basic = parseBasicAuth(headers);
    const clientId = basic?.user ?? form.client_id ?? '';
    const clientSecret = basic?.pass ?? form.client_secret;
    const app = this.apps.get(clientId);
    if (!app)
      return sendJson(res, 400, {
        error: 'invalid_client_id',
        error_description: 'client identifier invalid',
      });
    if (clientSecret !== app.clientSecret) {
      return sendJson(res, 400, { error: 'invalid_client', error_description: 'invalid client credentials' });
    }
    if (grant === 'authorization_code') return this.exchangeCode(res, app, form);
    this.refresh(res, app, form);
  }

  private exchangeCode(res: ServerResponse, app: SalesforceApp, form: Record<string, string>): void {
    const code = form.code ?? '';
    const rec = this.codes.get(code);
    this.codes.delete(code);
    if (!rec || rec.clientId !== app.clientId) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'invalid authorization code' });
    }
    if (rec.expiresAt <= this.clock.now()) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'expired authorization code' });
    }
    if (form.redirect_uri !== rec.redirectUri) {
      return sendJson(res, 400, {
        error: 'redirect_uri_mismatch',
        error_description: 'redirect_uri must match configuration',
      });
    }
    const verifier = form.code_verifier;
    if (rec.codeChallenge !== undefined) {
      if (!verifier || pkceS256(verifier) !== rec.codeChallenge) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'invalid code verifier' });
      }
    } else if (verifier !== undefined) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'invalid code verifier' });
    }
    sendJson(res, 200, this.issue(app, rec.scope, true), { 'cache-control': 'no-store' });
  }

  private refresh(res: ServerResponse, app: SalesforceApp, form: Record<string, string>): void {
    const dead = (): void =>
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    const token = form.refresh_token ?? '';
    if (this.rotatedRefreshTokens.has(token)) {
      this.reusedRefreshTokens++;
      return dead();
    }
    const rec = this.refreshTokens.get(token);
    if (!rec || rec.clientId !== app.clientId) return dead();
    if (this.rotateRefreshTokens) {
      // Access tokens minted from the old refresh token stay usable until they expire.
      this.refreshTokens.delete(token);
      this.rotatedRefreshTokens.add(token);
      return sendJson(res, 200, this.issue(app, rec.scope, true), { 'cache-control': 'no-store' });
    }
    sendJson(res, 200, this.issue(app, rec.scope, false, token), { 'cache-control': 'no-store' });
  }

  /**
   * @param newRefresh whether to mint a refresh token (initial grant or rotation)
   * @param existingRefresh the refresh token a non-rotating refresh used, so
   *        revoking it also kills the access tokens it produced
   */
  private issue(
    app: SalesforceApp,
    scope: string,
    newRefresh: boolean,
    existingRefresh?: string,
  ): SalesforceTokenResponse {
    const access = `${SF_ORG_ID.slice(0, 15)}!${randomToken('AQ', 48)}`;
    const issuedAt = String(this.clock.now());
    const id = `${this.url}/id/${SF_ORG_ID}/${SF_USER_ID}`;
    const out: SalesforceTokenResponse = {
      access_token: access,
      // Salesforce signs id + issued_at with the consumer secret so clients can
      // check the response was not tampered with.
      signature: createHmac('sha256', app.clientSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope,
      instance_url: this.instanceUrl || this.url,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
    let refreshFamily = existingRefresh;
    const scopes = scopeList(scope);
    if (newRefresh && (scopes.includes('refresh_token') || scopes.includes('offline_access'))) {
      const refresh = randomToken('5Aep861', 48);
      this.refreshTokens.set(refresh, { clientId: app.clientId, scope });
      out.refresh_token = refresh;
      refreshFamily = refresh;
    }
    this.accessTokens.set(access, {
      clientId: app.clientId,
      scope,
      refreshToken: refreshFamily,
      expired: false,
    });
    return out;
  }

  private revokeRefresh(token: string): void {
    this.refreshTokens.delete(token);
    for (const [access, rec] of this.accessTokens) {
      if (rec.refreshToken === token) this.accessTokens.delete(access);
    }
  }

  private revoke(ctx: RequestContext): void {
    const { res, method, params, headers } = ctx;
    this.revokeRequests++;
    let token: string | undefined;
    if (method === 'POST') {
      if (!isFormEncoded(headers)) {
        return sendJson(res, 400, {
          error: 'unsupported_token_type',
          error_description: 'this token type is not supported',
        });
      }
      token = parseForm(ctx.body).token;
    } else if (method === 'GET') {
      token = params.get('token') ?? undefined;
    } else {
      return sendJson(res, 405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: 'method not allowed' }]);
    }
    if (token && this.refreshTokens.has(token)) {
      // Revoking a refresh token takes its access tokens down with it.
      this.revokeRefresh(token);
      return sendEmpty(res, 200);
    }
    if (token && this.accessTokens.has(token)) {
      this.accessTokens.delete(token);
      return sendEmpty(res, 200);
    }
    sendJson(res, 400, { error: 'invalid_token', error_description: 'invalid token' });
  }

  private identity(ctx: RequestContext, openIdShape: boolean): void {
    const { res, headers } = ctx;
    const token = parseBearer(headers, ['bearer', 'oauth']);
    if (!token || !this.isAccessTokenValid(token)) {
      return sendText(res, 403, 'Bad_OAuth_Token', 'text/plain; charset=utf-8');
    }
    const base = this.instanceUrl || this.url;
    if (openIdShape) {
      return sendJson(res, 200, {
        sub: `${this.url}/id/${SF_ORG_ID}/${SF_USER_ID}`,
        user_id: SF_USER_ID,
        organization_id: SF_ORG_ID,
        preferred_username: 'admin@example.com',
        email: 'admin@example.com',
        name: 'Fake Admin',
      });
    }
    sendJson(res, 200, {
      id: `${this.url}/id/${SF_ORG_ID}/${SF_USER_ID}`,
      user_id: SF_USER_ID,
      organization_id: SF_ORG_ID,
      username: 'admin@example.com',
      display_name: 'Fake Admin',
      email: 'admin@example.com',
      active: true,
      urls: {
        rest: `${base}/services/data/v{version}/`,
        query: `${base}/services/data/v{version}/query/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
      },
    });
  }

  private versions(ctx: RequestContext): void {
    sendJson(
      ctx.res,
      200,
      SUPPORTED_VERSIONS.map((v) => ({ label: `v${v}`, url: `/services/data/v${v}`, version: v })),
    );
  }

  private api(ctx: RequestContext): void {
    const { res, headers, path, method, params } = ctx;
    const notFound = (message = 'The requested resource does not exist'): void =>
      sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message }]);

    const vm = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(path);
    if (!vm || !SUPPORTED_VERSIONS.includes(vm[1] ?? '')) return notFound();
    const version = vm[1] ?? '';
    const rest = vm[2] ?? '';

    const token = parseBearer(headers, ['bearer', 'oauth']);
    if (!token || !this.isAccessTokenValid(token)) {
      return sendJson(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    if (this.requestLimitNext > 0) {
      this.requestLimitNext--;
      return sendJson(res, 403, [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]);
    }
    this.apiRequests++;
    const limitHeader = { 'sforce-limit-info': `api-usage=${this.apiRequests}/${this.apiLimit}` };
    const ok = (body: unknown): void => sendJson(res, 200, body, limitHeader);
    const fail = (status: number, errorCode: string, message: string): void =>
      sendJson(res, status, [{ message, errorCode }], limitHeader);

    if (method !== 'GET')
      return fail(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);
    const prefix = `/services/data/v${version}`;

    if (rest === '' || rest === '/') {
      return ok({
        sobjects: `${prefix}/sobjects`,
        query: `${prefix}/query`,
        queryAll: `${prefix}/queryAll`,
        limits: `${prefix}/limits`,
      });
    }
    if (rest === '/limits' || rest === '/limits/') {
      return ok({
        DailyApiRequests: { Max: this.apiLimit, Remaining: Math.max(0, this.apiLimit - this.apiRequests) },
      });
    }
    if (rest === '/query' || rest === '/query/' || rest === '/queryAll' || rest === '/queryAll/') {
      const q = params.get('q');
      if (!q) return fail(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      return this.runQuery(q, prefix, ok, fail);
    }
    const next = matchPath('/query/:locator', rest) ?? matchPath('/queryAll/:locator', rest);
    if (next) {
      const lm = /^(.+)-(\d+)$/.exec(next.locator ?? '');
      const cursor = lm ? this.cursors.get(lm[1] ?? '') : undefined;
      if (!lm || !cursor) return fail(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      return ok(this.page(cursor, Number(lm[2]), lm[1] ?? '', prefix));
    }
    if (rest === '/sobjects' || rest === '/sobjects/') {
      return ok({
        encoding: 'UTF-8',
        maxBatchSize: 200,
        sobjects: Object.keys(FIELDS).map((name) => ({
          name,
          label: name,
          keyPrefix: KEY_PREFIX[name],
          queryable: true,
        })),
      });
    }
    const one = matchPath('/sobjects/:type/:id', rest);
    if (one) {
      const type = Object.keys(FIELDS).find((k) => k === one.type);
      if (!type) return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
      const id = one.id ?? '';
      // 15-character ids are the case-sensitive prefix of the 18-character form.
      const rec = (this.records[type] ?? []).find(
        (r) => r.Id === id || (id.length === 15 && r.Id.startsWith(id)),
      );
      if (!rec)
        return fail(
          404,
          'NOT_FOUND',
          `Provided external ID field does not exist or is not accessible: ${id}`,
        );
      return ok(this.shape(type, rec, FIELDS[type] ?? [], prefix));
    }
    fail(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private shape(sobject: string, rec: SfRecord, fields: string[], prefix: string): Record<string, unknown> {
    const out: Record<string, unknown> = {
      attributes: { type: sobject, url: `${prefix}/sobjects/${sobject}/${rec.Id}` },
    };
    for (const f of fields) out[f] = rec[f] ?? null;
    return out;
  }

  private runQuery(
    q: string,
    prefix: string,
    ok: (body: unknown) => void,
    fail: (status: number, code: string, message: string) => void,
  ): void {
    let parsed: ParsedQuery;
    try {
      parsed = parseSoql(q);
    } catch (err) {
      if (err instanceof SoqlError) return fail(400, err.errorCode, err.message);
      throw err;
    }
    let rows = (this.records[parsed.sobject] ?? []).filter((r) => parsed.where.every((c) => matches(r, c)));
    const order = parsed.orderBy;
    if (order) {
      rows = [...rows].sort((a, b) => {
        const va = a[order.field] ?? null;
        const vb = b[order.field] ?? null;
        if (va === null || vb === null) {
          if (va === vb) return 0;
          return (va === null) === order.nullsLast ? 1 : -1;
        }
        const c = compare(va, vb as Literal) ?? 0;
        return order.desc ? -c : c;
      });
    }
    const offset = parsed.offset ?? 0;
    rows = rows.slice(offset, parsed.limit !== undefined ? offset + parsed.limit : undefined);
    if (parsed.fields === 'count') return ok({ totalSize: rows.length, done: true, records: [] });
    const fields = parsed.fields;
    const shaped = rows.map((r) => this.shape(parsed.sobject, r, fields, prefix) as SfRecord);
    const cursorId = `01gFk${String(++this.cursorSeq).padStart(10, '0')}AAA`;
    const cursor: Cursor = { sobject: parsed.sobject, records: shaped, totalSize: shaped.length };
    if (shaped.length > this.pageSize) this.cursors.set(cursorId, cursor);
    ok(this.page(cursor, 0, cursorId, prefix));
  }

  private page(cursor: Cursor, start: number, cursorId: string, prefix: string): Record<string, unknown> {
    const end = start + this.pageSize;
    const done = end >= cursor.records.length;
    const body: Record<string, unknown> = {
      totalSize: cursor.totalSize,
      done,
      records: cursor.records.slice(start, end),
    };
    if (!done) body.nextRecordsUrl = `${prefix}/query/${cursorId}-${end}`;
    return body;
  }
}

export async function startFakeSalesforce(
  opts: FakeSalesforceOptions & { port?: number } = {},
): Promise<FakeSalesforce> {
  const fake = new FakeSalesforce(opts);
  const srv = await startServer((ctx) => fake.handle(ctx), opts.port ?? 0);
  fake.attach(srv.url, srv.port, srv.requests, srv.close);
  return fake;
}
