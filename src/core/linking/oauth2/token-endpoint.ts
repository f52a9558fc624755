// The OAuth token endpoint: the stored token shape, the one token client, and a request/process
// pair per grant on oauth4webapi (the callback's code grant, the refresh worker's refresh grant).
import * as oauth from 'oauth4webapi';
import type { Deps } from '../../deps.js';
import type { Connector, OAuth2Auth } from '../../../connectors/schema.js';
import { pick } from '../../../connectors/json-path.js';
import { render, TemplateError } from '../../../connectors/templating.js';
import { AppError } from '../../errors.js';
import {
  excerpt,
  PROVIDER_TIMEOUT_MS,
  resolveUrl,
  templateContext,
  translateProviderError,
  type ProviderTarget,
} from '../../connector-profiles/target.js';

/** Tokens as stored (sealed) with an account. */
export interface OAuthCredentials {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  scope?: string;
  expires_at?: string | null;
  [kept: string]: unknown;
}

function tokenExpiry(deps: Deps, auth: OAuth2Auth, expiresIn: number | undefined): Date | null {
  const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : auth.default_expires_in;
  return seconds ? new Date(deps.clock().getTime() + seconds * 1000) : null;
}

/** Authorization server metadata for one call (`issuer: any` learns the issuer from the response). */
type CallAs = { -readonly [K in keyof oauth.AuthorizationServer]: oauth.AuthorizationServer[K] };

/** A token request with its form body re-sent as one JSON object (`token_request.body_format: json`). */
function asJsonBody(init: RequestInit | undefined): RequestInit | undefined {
  if (!(init?.body instanceof URLSearchParams)) return init;
  const headers = new Headers(init.headers);
  headers.set('content-type', 'application/json');
  return { ...init, headers, body: JSON.stringify(Object.fromEntries(init.body)) };
}

/** A request with the connector's fixed token-request headers added (`token_request.headers`). */
export function withHeaders(
  init: RequestInit | undefined,
  fixed: Record<string, string>,
): RequestInit | undefined {
  if (Object.keys(fixed).length === 0) return init;
  const headers = new Headers(init?.headers);
  for (const [k, v] of Object.entries(fixed)) headers.set(k, v);
  return { ...init, headers };
}

/** The `iss` claim of a JWT's payload, read without checking anything (the caller checks the rest). */
function unverifiedIssuer(jwt: unknown): string | undefined {
  if (typeof jwt !== 'string') return undefined;
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims?.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A 2xx token response as oauth4webapi should read it: a missing `token_type` as `bearer` when
 * the connector allows it, and with `issuer: any` the id_token's own `iss` as the expected one.
 */
async function adjustedResponse(tc: TokenClient, as: CallAs, res: Response): Promise<Response> {
  const rules = tc.auth.token_response;
  const learnIssuer = tc.issuer === 'any' || Array.isArray(tc.issuer);
  if (!res.ok || (!rules.allow_missing_token_type && !learnIssuer)) return res;
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const body = json as Record<string, unknown>;
    if (rules.allow_missing_token_type && body.token_type === undefined) body.token_type = 'bearer';
    const iss = unverifiedIssuer(body.id_token);
    // One of the listed spellings is expected as it is; any other still fails oauth4webapi's check.
    if (iss && (tc.issuer === 'any' || (Array.isArray(tc.issuer) && tc.issuer.includes(iss))))
      as.issuer = iss;
  }
  const out = json === undefined ? text : JSON.stringify(json);
  return new Response(out, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * oauth4webapi options for one token call: timeout, our fetch (with the connector's body format
 * and response rules), http only when private networks are allowed, extra parameters and token types.
 */
function tokenRequestOptions(tc: TokenClient, as: CallAs, extra: Record<string, string>) {
  const json = tc.auth.token_request.body_format === 'json';
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit) =>
    adjustedResponse(
      tc,
      as,
      await tc.deps.fetch(input, withHeaders(json ? asJsonBody(init) : init, tc.headers)),
    );
  return {
    signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    [oauth.customFetch]: fetcher,
    ...(tc.deps.settings.allowPrivateNetwork ? { [oauth.allowInsecureRequests]: true } : {}),
    additionalParameters: extra,
  };
}

/** oauth4webapi's token-type handlers for the extra `token_response.token_types`. */
function recognizedTokenTypes(auth: OAuth2Auth): oauth.RecognizedTokenTypes {
  return Object.fromEntries(auth.token_response.token_types.map((t) => [t.toLowerCase(), () => undefined]));
}

/** Turns a token-endpoint failure into the provider's words (translated when the connector knows them). */
function tokenError(
  connector: Connector,
  err: unknown,
  secrets: string[],
): { code: string; description: string } {
  if (err instanceof oauth.ResponseBodyError) {
    const said = err.error_description ?? err.error;
    return {
      code: err.error,
      description: translateProviderError(connector, err.error, said) ?? `${connector.name}: ${said}`,
    };
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError || err instanceof oauth.OperationProcessingError) {
    return {
      code: 'token_error',
      description: `${connector.name} answered the token request unexpectedly: ${excerpt(err.message, secrets)}`,
    };
  }
  const name = (err as Error)?.name;
  return {
    code: 'token_error',
    description: `Could not reach ${connector.name}${name === 'TimeoutError' ? ': timed out' : ''}`,
  };
}

/** The OAuth client's id and secret: from the account's fields or the profile's setup, as the connector says. */
export function clientCredentials(
  auth: OAuth2Auth,
  config: Record<string, string>,
  setup: Record<string, string>,
): { id: string; secret: string } {
  const source = auth.client_from === 'config' ? config : setup;
  return { id: source[auth.client_id_field] ?? '', secret: source[auth.client_secret_field] ?? '' };
}

/** One party to a token call: the provider's token endpoint, our client, and how the client authenticates. */
export interface TokenClient {
  deps: Deps;
  auth: OAuth2Auth;
  connector: Connector;
  as: oauth.AuthorizationServer;
  /** Where refresh requests go: `auth.refresh_url`, else the token URL. */
  refreshEndpoint: string;
  /** The expected id_token `iss`, the spellings one of which it must be, or `any` (not checked). */
  issuer: string | string[];
  /** Extra token-request parameters, rendered: on the code exchange and on refreshes. */
  codeParams: Record<string, string>;
  refreshParams: Record<string, string>;
  /** `token_request.headers`, rendered: on token, refresh and revocation requests. */
  headers: Record<string, string>;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** Never echoed in an error: the client secret and the account's own values. */
  secrets: string[];
}

/** Renders a map of templates for a connection; a missing value is the profile's problem. */
function renderAll(
  target: ProviderTarget,
  where: string,
  templates: Record<string, string>,
): Record<string, string> {
  const ctx = templateContext(target);
  try {
    return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, render(v, ctx)]));
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    throw new AppError('PROFILE_MISCONFIGURED', `${target.connector.name} ${where}: ${err.message}`);
  }
}

/**
 * The token client of a connection, the one place it is built: the token (and refresh) URL
 * resolved now (a refused host throws `resolveUrl`'s `AppError`), the client id and secret from
 * the connection's values, the client authentication the connector declares, the expected
 * id_token issuer (`auth.issuer`, else the token URL's origin) and the extra parameters.
 */
export function tokenClient(deps: Deps, target: ProviderTarget, auth: OAuth2Auth): TokenClient {
  const client = clientCredentials(auth, target.config, target.setup);
  const tokenUrl = resolveUrl(deps, target, 'token_url');
  const origin = new URL(tokenUrl).origin;
  const issuer =
    auth.issuer === undefined
      ? origin
      : auth.issuer === 'any'
        ? 'any'
        : Array.isArray(auth.issuer)
          ? Object.values(renderAll(target, 'auth.issuer', Object.fromEntries(auth.issuer.entries())))
          : renderAll(target, 'auth.issuer', { issuer: auth.issuer }).issuer!;
  const req = auth.token_request;
  return {
    deps,
    auth,
    connector: target.connector,
    as: {
      issuer: issuer === 'any' ? origin : Array.isArray(issuer) ? issuer[0]! : issuer,
      token_endpoint: tokenUrl,
    },
    refreshEndpoint: auth.refresh_url ? resolveUrl(deps, target, 'refresh_url') : tokenUrl,
    issuer,
    codeParams: renderAll(target, 'auth.token_request', { ...req.params, ...req.code_params }),
    refreshParams: renderAll(target, 'auth.token_request', { ...req.params, ...req.refresh_params }),
    headers: renderAll(target, 'auth.token_request.headers', req.headers),
    client: { client_id: client.id },
    clientAuth:
      auth.token_auth === 'client_secret_basic'
        ? oauth.ClientSecretBasic(client.secret)
        : oauth.ClientSecretPost(client.secret),
    secrets: [client.secret, ...Object.values(target.config)],
  };
}

/** A failed token call in the provider's words; `code` is the OAuth `error` or `token_error`. */
export class TokenEndpointError extends Error {
  readonly code: string;
  readonly description: string;
  constructor(said: { code: string; description: string }, cause: unknown) {
    super(said.description, { cause });
    this.name = 'TokenEndpointError';
    this.code = said.code;
    this.description = said.description;
  }
}

/**
 * The provider's redirect back to the callback, as parsed at the edge: the parameters of RFC 6749
 * §4.1.2 and RFC 9207 (`iss`), and those oauth4webapi refuses (`response`, `id_token`, `token`).
 */
export interface AuthorizationResponse {
  state: string;
  code?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
  iss?: string | undefined;
  response?: string | undefined;
  id_token?: string | undefined;
  token?: string | undefined;
}

/** What a grant returns: the fields of the token response that are stored, and when the access token expires. */
export interface Grant {
  credentials: OAuthCredentials;
  expiresAt: Date | null;
}

/**
 * The stored fields of a token response: `keep_token_fields` (e.g. Salesforce `instance_url`),
 * the `token_response.keep` paths (e.g. `team_id` from `$.team.id`) and the expiry.
 */
function kept(tc: TokenClient, tokens: oauth.TokenEndpointResponse, into: OAuthCredentials): Grant {
  for (const field of tc.auth.keep_token_fields) if (tokens[field] !== undefined) into[field] = tokens[field];
  for (const [name, path] of Object.entries(tc.auth.token_response.keep)) {
    const value = pick(tokens, path);
    if (value !== undefined) into[name] = value;
  }
  const expiresAt = tokenExpiry(tc.deps, tc.auth, tokens.expires_in);
  into.expires_at = expiresAt?.toISOString() ?? null;
  return { credentials: into, expiresAt };
}

async function call<T>(tc: TokenClient, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new TokenEndpointError(tokenError(tc.connector, err, tc.secrets), err);
  }
}

/**
 * The authorization code grant (RFC 6749 §4.1.3): checks the redirect's parameters against the
 * state, exchanges the code (form-encoded, exact redirect_uri, PKCE verifier) and returns the new
 * credentials; a failure throws a `TokenEndpointError`.
 */
export async function codeGrant(
  tc: TokenClient,
  input: { response: AuthorizationResponse; redirectUri: string; verifier: string | null },
): Promise<Grant> {
  const as: CallAs = { ...tc.as };
  const tokens = await call(tc, async () => {
    const returned = new URLSearchParams();
    for (const [k, v] of Object.entries(input.response)) if (v !== undefined) returned.set(k, v);
    const params = oauth.validateAuthResponse(as, tc.client, returned, input.response.state);
    const res = await oauth.authorizationCodeGrantRequest(
      as,
      tc.client,
      tc.clientAuth,
      params,
      input.redirectUri,
      input.verifier ?? oauth.nopkce,
      tokenRequestOptions(tc, as, tc.codeParams),
    );
    return oauth.processAuthorizationCodeResponse(as, tc.client, res, {
      recognizedTokenTypes: recognizedTokenTypes(tc.auth),
    });
  });
  return kept(tc, tokens, {
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
    ...(typeof tokens.scope === 'string' ? { scope: tokens.scope } : {}),
  });
}

/**
 * The refresh token grant (RFC 6749 §6): the current credentials with the new access token; a
 * response without `refresh_token` keeps the old one (Salesforce without rotation). A failure
 * throws a `TokenEndpointError`.
 */
export async function refreshGrant(
  tc: TokenClient,
  refreshToken: string,
  current: OAuthCredentials,
): Promise<Grant> {
  const as: CallAs = { ...tc.as, token_endpoint: tc.refreshEndpoint };
  const tokens = await call(tc, async () => {
    const res = await oauth.refreshTokenGrantRequest(
      as,
      tc.client,
      tc.clientAuth,
      refreshToken,
      tokenRequestOptions(tc, as, tc.refreshParams),
    );
    return oauth.processRefreshTokenResponse(as, tc.client, res, {
      recognizedTokenTypes: recognizedTokenTypes(tc.auth),
    });
  });
  const next: OAuthCredentials = { ...current, access_token: tokens.access_token };
  if (tokens.refresh_token) next.refresh_token = tokens.refresh_token;
  if (typeof tokens.scope === 'string') next.scope = tokens.scope;
  return kept(tc, tokens, next);
}

/**
 * The client credentials grant (RFC 6749 §4.4): a new access token for the client itself, with
 * the connector's scope and `grant_params`; `current` keeps what the link stored beside the token
 * (discovered and callback values). There is no refresh token: the token is minted again when it
 * expires. A failure throws a `TokenEndpointError`.
 */
export async function clientCredentialsGrant(
  tc: TokenClient,
  params: Record<string, string>,
  current: Record<string, unknown> = {},
): Promise<Grant> {
  const tokens = await call(tc, async () => {
    const res = await oauth.clientCredentialsGrantRequest(
      tc.as,
      tc.client,
      tc.clientAuth,
      new URLSearchParams(params),
      // The body format and token-response rules apply as to the other grants.
      tokenRequestOptions(tc, tc.as, {}),
    );
    return oauth.processClientCredentialsResponse(tc.as, tc.client, res, {
      recognizedTokenTypes: recognizedTokenTypes(tc.auth),
    });
  });
  const next: OAuthCredentials = {
    ...current,
    access_token: tokens.access_token,
    token_type: tokens.token_type,
  };
  if (typeof tokens.scope === 'string') next.scope = tokens.scope;
  return kept(tc, tokens, next);
}

/** The form parameters of a client-credentials token request: the scope (when there is one) and `grant_params`. */
export function clientCredentialsParams(target: ProviderTarget, auth: OAuth2Auth): Record<string, string> {
  const rule = auth.scopes;
  const source = rule.from === 'setup' ? target.setup : rule.from === 'config' ? target.config : {};
  const scope = (rule.field ? source[rule.field] : undefined) || rule.default;
  const ctx = templateContext(target);
  const params: Record<string, string> = {};
  if (scope) params.scope = scope;
  try {
    for (const [k, v] of Object.entries(auth.grant_params)) params[k] = render(v, ctx);
  } catch (err) {
    if (err instanceof TemplateError)
      throw new AppError('PROFILE_MISCONFIGURED', `${target.connector.name} grant_params: ${err.message}`);
    throw err;
  }
  return params;
}
