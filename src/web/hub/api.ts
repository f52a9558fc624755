/** Client for the Hub API (/hub/*), authenticated by the session token header. */
import type { SetupGuide } from './guide.js';

/** 401/403: the link (session token) expired or is invalid. */
export class AuthError extends Error {}

/** Any other failure, with the server's message and optional provider response text. */
export class ApiError extends Error {
  readonly status: number;
  readonly providerResponse: string | undefined;
  constructor(message: string, status: number, providerResponse?: string) {
    super(message);
    this.status = status;
    this.providerResponse = providerResponse;
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

export interface Attempt {
  status: 'pending' | 'authenticated' | 'error' | 'cancelled' | 'expired' | string;
  account?: { id: string } | null;
  error?: { code?: string; description?: string | null } | null;
}

export interface Api {
  get<T>(path: string): Promise<T | null>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T | null>;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v !== undefined && v !== null ? JSON.stringify(v) : undefined;

/** Reads {statusCode, message, provider_response}; message may itself be a JSON string of the same. */
function toApiError(status: number, text: string): ApiError {
  let message = `Request failed (${status})`;
  let provider: string | undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.message === 'string' && body.message) message = body.message;
    provider = str(body.provider_response);
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
  return new ApiError(message, status, provider);
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
