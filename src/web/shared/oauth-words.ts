/**
 * What an end user reads when an OAuth sign-in ends in an error: one plain sentence that says
 * what happened and what to do next, and the server's own words kept for a "Details" disclosure.
 * Used by the Hub (attempt errors) and the OAuth callback page, so both say the same thing.
 *
 * The server reports `{code, description}`: `code` is the provider's OAuth error
 * (`access_denied`, `invalid_client`, …) or one of ours (`token_error`, `configuration`, …);
 * `description` is either the connector's translation of the provider's answer (written for end
 * users, so it can be the line itself) or "<Connector>: <what the provider said>".
 */
export interface Problem {
  /** The one line shown. */
  line: string;
  /** The evidence, shown only when the user opens "Details". */
  detail?: string | undefined;
}

import { t } from './i18n/i18n.js';

let company: string | null = null;
let email: string | null = null;

/**
 * Whom an end user can ask: the company that sent the link, by its branded name and support
 * address when the project set them, otherwise in general words.
 */
export function ask(): string {
  if (company && email) return t('whom.companyEmail', { company, email });
  if (company) return company;
  if (email) return t('whom.email', { email });
  return t('whom.default');
}

/** Called once the page knows the project's branding. */
export function setWhomToAsk(name: string | null, address: string | null): void {
  company = name;
  email = address;
}

const DENIED = new Set([
  'access_denied',
  'consent_required',
  'interaction_required',
  'login_required',
  'user_denied',
  'user_cancelled',
]);
/** Codes that mean the connection (OAuth app, profile, URLs) is set up wrongly: the end user cannot fix it. */
const SETUP = new Set([
  'invalid_client',
  'unauthorized_client',
  'invalid_scope',
  'invalid_request',
  'unsupported_response_type',
  'redirect_uri_mismatch',
  'configuration',
  'bad_request',
  'not_found',
  'integration_unavailable',
  'invalid_instance',
]);
/** Codes we set ourselves: their description is ours, never a connector translation. */
const OURS = new Set([
  'token_error',
  'test_failed',
  'invalid_fields',
  'invalid_response',
  'invalid_instance',
  'integration_unavailable',
  'configuration',
  'bad_request',
  'not_found',
  'cancelled',
  'expired',
  'conflict',
  'error',
]);
const GENERIC_PROVIDER_TEXT =
  /rejected the credentials: |^Could not reach |did not answer within|answered the token request unexpectedly/;

const unreachable = (name: string): string => t('problem.unreachable', { name });
const setup = (): string => t('problem.setup', { whom: ask() });

/** A connector translation, written for end users: anything but "<Name>: …" and our generic phrasings. */
function translated(description: string, names: string[]): boolean {
  return (
    !names.some((n) => n && description.startsWith(`${n}: `)) && !GENERIC_PROVIDER_TEXT.test(description)
  );
}

/**
 * @param name the connector's display name, as the page shows it ("Salesforce (Sandbox)").
 */
export function oauthProblem(
  code: string | null | undefined,
  description: string | null | undefined,
  name: string,
): Problem {
  const c = (code ?? '').trim();
  const said = (description ?? '').trim();
  const names = [name, name.replace(/\s*\([^)]*\)\s*$/, '')];
  const detail = said || undefined;

  if (said && (!OURS.has(c) || c === 'test_failed') && translated(said, names)) return { line: said };
  if (DENIED.has(c)) return { line: t('oauth.denied', { name }), detail };
  if (c === 'cancelled' || c === 'conflict') return { line: t('oauth.cancelled'), detail };
  if (c === 'expired') return { line: t('oauth.expired'), detail };
  if (/^Could not reach |did not answer within/.test(said) || c === 'temporarily_unavailable') {
    return {
      line: c === 'temporarily_unavailable' ? t('oauth.busy', { name }) : unreachable(name),
      detail,
    };
  }
  if (SETUP.has(c)) return { line: setup(), detail };
  if (c === 'invalid_fields') return { line: t('problem.invalidFields'), detail };
  if (c === 'test_failed')
    return {
      line: t('oauth.testFailed', { name }),
      detail,
    };
  if (c === 'server_error' || c === 'token_error') {
    return {
      line: t('oauth.providerError', { name, whom: ask() }),
      detail,
    };
  }
  if (c === 'invalid_grant' || c === 'invalid_response')
    return { line: t('oauth.notFinished', { name }), detail };
  return {
    line: t('oauth.failed', { name, whom: ask() }),
    detail,
  };
}
