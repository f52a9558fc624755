/** Client for this server's platform API and /dashboard/api, authenticated by the session cookie. */

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

/* ---------- wire types (only the fields the dashboard reads) ---------- */

export interface Session {
  project_id: string;
  csrf_token: string;
  expires_at: string;
  public_url: string;
  /** False when the server records no request logs (SWITCHBOARD_REQUEST_LOGS=off). */
  request_logs: boolean;
}

export interface StatusReason {
  code: string | null;
  description: string | null;
  timestamp: string;
}

export interface Account {
  id: string;
  provider: string;
  provider_name: string;
  integration_id: string | null;
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  label: string | null;
  type: string;
  environment: string | null;
  status: 'active' | 'inactive' | 'error';
  status_reasons: StatusReason[];
  setup_information: Record<string, string>;
  credentials: Record<string, string>;
  created_at: string;
  updated_at: string;
}

export interface AccountPage {
  data: Account[];
  total: number;
  page: number;
  page_size: number;
}

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
  default_urls: Record<OverrideKey, string | null>;
  callback_url: string | null;
  guide: { description: string | null; support_link: string | null; setup_steps: string[] };
}

export const OVERRIDE_KEYS = ['authorization_url', 'token_url', 'revoke_url', 'base_url'] as const;
export type OverrideKey = (typeof OVERRIDE_KEYS)[number];

export interface Profile {
  id: string;
  provider: string;
  provider_name: string;
  label: string;
  environment: string;
  setup: Record<string, string>;
  enabled_actions: string[] | null;
  overrides: Record<OverrideKey, string | null>;
  pkce: boolean;
  default: boolean;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface ConnectSession {
  id: number;
  token: string;
  auth_link_url: string;
  created_at: string;
  expires_at: string;
}

export interface Endpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
  secret?: string;
}

export interface Delivery {
  id: string;
  event_id: string;
  event: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface AccountEvent {
  id: string;
  event: string;
  created_at: string;
  deliveries: Array<{
    id: string;
    endpoint_id: string;
    url: string | null;
    status: Delivery['status'];
    attempts: number;
    last_status_code: number | null;
    last_error: string | null;
  }>;
}

export interface LogStep {
  id?: string;
  http_method?: string | null;
  url?: string | null;
  path?: string | null;
  status?: number | null;
  duration?: number | null;
  success?: boolean | null;
  start_time?: string | null;
  request?: unknown;
  response?: unknown;
}

export interface RequestLog {
  id: string;
  request_id?: string | null;
  account_id?: string | null;
  provider?: string | null;
  service?: string | null;
  action?: string | null;
  http_method?: string | null;
  path?: string | null;
  url?: string | null;
  status?: number | null;
  duration?: number | null;
  success?: boolean | null;
  source_ip?: string | null;
  source_type?: string | null;
  start_time?: string | null;
  end_time?: string | null;
  event_datetime?: string | null;
  request?: unknown;
  response?: unknown;
  step_requests?: LogStep[];
}

export interface PlatformLog {
  id: string;
  account_id: string | null;
  category: string;
  action: string;
  http_method: string;
  path: string;
  status: number;
  success: boolean;
  duration: number;
  /** `api` for a call with an API key, `dashboard` for one the dashboard made. */
  source_type: string;
  event_datetime: string;
}

export const WEBHOOK_EVENTS = [
  'account.created',
  'account.updated',
  'account.deleted',
  'account.error',
] as const;

/** `GET /connection_attempts` items: a link attempt and, when it failed, why. */
export interface ConnectionAttempt {
  id: string;
  provider: string | null;
  integration_id: string | null;
  integration_label: string | null;
  method: 'oauth2' | 'api_token';
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  status: 'pending' | 'authenticated' | 'error' | 'cancelled' | 'expired';
  error: { code: string; description: string; provider_code: string | null } | null;
  account_id: string | null;
  created_at: string;
  ended_at: string | null;
}
