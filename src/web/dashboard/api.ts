/** Client for this server's platform API and /dashboard/api, authenticated by the session cookie. */
import type { AccountPage, LinkedAccount, StatusReason } from '../../contract/accounts.js';
import type { ConnectionAttempt } from '../../contract/attempts.js';
import type { ConnectSessionWithToken } from '../../contract/connect-sessions.js';
import type { ConnectorProfileWire, OverrideKey } from '../../contract/connector-profiles.js';
import type { DashboardSession } from '../../contract/dashboard.js';
import type { PlatformLog, RequestLog, StepLogWire } from '../../contract/logs.js';
import type { AccountEvent, EventType, WebhookDelivery, WebhookEndpoint } from '../../contract/webhooks.js';

/** An API failure: the server's message, its status, and the field it names (400s). */
export class ApiError extends Error {
  readonly status: number;
  readonly field: string | undefined;
  constructor(message: string, status: number, field?: string) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

let csrfToken = '';
let onSignedOut: (() => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called once when any call answers 401: the session ended (expired, signed out elsewhere, key revoked). */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

function errorFrom(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { message?: unknown; data?: { field?: unknown } | null };
    const field = typeof body.data?.field === 'string' ? body.data.field : undefined;
    if (typeof body.message === 'string' && body.message) return new ApiError(body.message, status, field);
  } catch {
    /* not JSON */
  }
  return new ApiError(`Request failed (${status})`, status);
}

export async function call<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (e) {
    // A load the page gave up on: not a failure to show.
    if (signal?.aborted) throw e;
    throw new ApiError('Could not reach the server. Check your connection and try again.', 0);
  }
  const text = await res.text();
  if (!res.ok) {
    const err = errorFrom(res.status, text);
    if (res.status === 401 && !path.startsWith('/dashboard/api/session')) onSignedOut?.();
    throw err;
  }
  return (text ? JSON.parse(text) : null) as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, undefined, signal);

/** Builds `path?query`, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/* ---------- wire types: the shapes of src/contract (types only: no zod in the bundle) ---------- */

export type Session = DashboardSession;
export type { StatusReason };
export type Account = LinkedAccount;
export type { AccountPage };

export interface SetupField {
  key: string;
  label: string;
  type: 'text' | 'password' | 'number' | 'text_area' | 'select';
  required: boolean;
  secret: boolean;
  placeholder: string | null;
  description: string | null;
  options: Array<{ value: string; label: string }> | null;
  max_length: number;
  pattern: string | null;
  pattern_message: string | null;
}

export interface ConnectorInfo {
  provider: string;
  name: string;
  description: string;
  categories: string[];
  logo_url: string | null;
  auth_type: 'oauth2' | 'api_key';
  client_from: 'setup' | 'config' | null;
  environments: Array<{ key: string; label: string }>;
  setup_fields: SetupField[];
  config_fields: SetupField[];
  scopes: {
    from: string;
    field: string | null;
    default: string;
    separator: string;
    require_one_of: string[];
    always_include: string[];
  } | null;
  pkce: { supported: boolean; default: boolean };
  actions: Array<{ id: string; label: string; description: string }>;
  events: {
    mode: 'programmatic' | 'manual';
    types: Array<{ name: string; label: string; description: string }>;
  } | null;
  default_urls: Record<OverrideKey, string | null>;
  callback_url: string | null;
  guide: { description: string | null; support_link: string | null; setup_steps: string[] };
}

export const OVERRIDE_KEYS = [
  'authorization_url',
  'token_url',
  'revoke_url',
  'base_url',
] as const satisfies readonly OverrideKey[];
export type { OverrideKey };

export type Profile = ConnectorProfileWire;

/** `POST /connect_sessions`: the session with its token and Auth Link. */
export type ConnectSession = ConnectSessionWithToken;

/** A webhook endpoint; `secret` only in the answer that creates it. */
export type Endpoint = WebhookEndpoint & { secret?: string };
export type Delivery = WebhookDelivery;
export type { AccountEvent };
export type LogStep = StepLogWire;
export type { RequestLog, PlatformLog };

export const WEBHOOK_EVENTS = [
  'account.created',
  'account.updated',
  'account.deleted',
  'account.error',
] as const satisfies readonly EventType[];

/** `GET /connection_attempts` items: a link attempt and, when it failed, why. */
export type { ConnectionAttempt };
