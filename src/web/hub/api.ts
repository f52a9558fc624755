/** Client for the Hub API (/hub/*), authenticated by the session token header. */
import type { SetupGuide } from './guide.js';
import type { HubAttempt } from '../../contract/attempts.js';

/** 401/403: the link (session token) expired or is invalid. */
export class AuthError extends Error {}

/** What an error body says beyond its message: enough to choose the words shown to the end user. */
export interface ErrorFacts {
  /** The provider's response text (a redacted excerpt), when a provider was called. */
  providerResponse?: string | undefined;
  /** True when the body carries provider evidence (`provider_errors`). */
  fromProvider?: boolean;
  /** The provider's HTTP status; null when the provider could not be reached at all. */
  providerStatus?: number | null | undefined;
  /** The input field the server refused (`data.field`). */
  field?: string | undefined;
}

/** Any other failure, with the server's message and what else the body said. */
export class ApiError extends Error {
  readonly status: number;
  readonly providerResponse: string | undefined;
  readonly fromProvider: boolean;
  readonly providerStatus: number | null | undefined;
  readonly field: string | undefined;
  constructor(message: string, status: number, facts: ErrorFacts = {}) {
    super(message);
    this.status = status;
    this.providerResponse = facts.providerResponse;
    this.fromProvider = facts.fromProvider ?? false;
    this.providerStatus = facts.providerStatus;
    this.field = facts.field;
  }
}

export interface Integration {
  integration_id: string;
  provider: string;
  name: string;
  active: boolean;
  type: string;
  version?: string;
  logo_url?: string;
  authentication_config_key?: string;
  environment?: string;
}

export interface HubData {
  integrations: Integration[];
  external_trigger_token?: string;
}

export interface FieldOption {
  label: string;
  value: string;
}

export interface Field {
  key: string;
  label?: string;
  type?: string;
  required?: boolean;
  secret?: boolean;
  placeholder?: string;
  description?: string;
  options?: FieldOption[];
  value?: string | number;
  readOnly?: boolean;
  display?: boolean;
  validation?: { type?: string; pattern?: string; error?: string };
}

export interface Notice {
  key?: string;
  type?: 'info' | 'warning' | string;
  description?: string;
  position?: 'top' | 'bottom' | string;
  anchor?: string;
}

interface AuthBlock {
  type?: string;
  grantType?: string;
  fields?: Field[];
  guide?: { supportLink?: string; description?: string };
}

export interface ConnectorConfig {
  key?: string;
  name?: string;
  type?: string;
  grantType?: string;
  configFields?: Field[];
  configNotices?: Notice[];
  assets?: { icon?: string };
  support?: { link?: string; description?: string };
  setupGuide?: SetupGuide;
  authentication?: Record<string, Record<string, AuthBlock>>;
}

export interface AccountData {
  provider: string;
  integrationId: string;
  setupInformation?: Record<string, string>;
  secrets?: Record<string, string>;
  authConfigKey?: string;
  environment?: string;
}

/** A connection attempt as `/hub/connection_attempts` answers it. */
export type Attempt = HubAttempt;

export interface Api {
  get<T>(path: string): Promise<T | null>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T | null>;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v !== undefined && v !== null ? JSON.stringify(v) : undefined;

/** Reads {statusCode, message, provider_response}; message may itself be a JSON string of the same. */
function toApiError(status: number, text: string): ApiError {
  let message = `Request failed (${status})`;
  let provider: string | undefined;
  const facts: ErrorFacts = {};
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.message === 'string' && body.message) message = body.message;
    provider = str(body.provider_response);
    const evidence = Array.isArray(body.provider_errors)
      ? (body.provider_errors[0] as { status?: unknown } | undefined)
      : undefined;
    if (evidence && typeof evidence === 'object') {
      facts.fromProvider = true;
      facts.providerStatus = typeof evidence.status === 'number' ? evidence.status : null;
    }
    const data = body.data as { field?: unknown } | undefined;
    if (data && typeof data.field === 'string') facts.field = data.field;
    try {
      const inner = JSON.parse(message) as Record<string, unknown>;
      if (inner && typeof inner === 'object' && typeof inner.message === 'string') {
        message = inner.message;
        provider = str(inner.provider_response) ?? provider;
      }
    } catch {
      /* plain message */
    }
  } catch {
    if (text && text.length < 200 && !text.trimStart().startsWith('<')) message = text;
  }
  return new ApiError(message, status, { ...facts, providerResponse: provider });
}

export function createApi(base: string, token: string): Api {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T | null> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { 'content-type': 'application/json', 'x-hub-session-token': token },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError('Could not reach the server. Check your connection and try again.', 0);
    }
    if (res.status === 401 || res.status === 403) throw new AuthError('expired');
    const text = await res.text();
    if (!res.ok) throw toApiError(res.status, text);
    if (!text) return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('The server sent an unexpected response.', res.status);
    }
  }

  return {
    async get<T>(path: string): Promise<T | null> {
      try {
        return await request<T>('GET', path);
      } catch (e) {
        // One retry for transient failures (network, 5xx).
        if (e instanceof ApiError && (e.status === 0 || e.status >= 500)) {
          await new Promise((r) => setTimeout(r, 600));
          return request<T>('GET', path);
        }
        throw e;
      }
    },
    send: request,
  };
}
