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

let whom = 'the company that sent you this link';

/**
 * Whom an end user can ask: the company that sent the link, by its branded name and support
 * address when the project set them, otherwise in general words.
 */
export function ask(): string {
  return whom;
}

/** Called once the page knows the project's branding. */
export function setWhomToAsk(company: string | null, email: string | null): void {
  if (company && email) whom = `${company} at ${email}`;
  else if (company) whom = company;
  else if (email) whom = `the company that sent you this link (${email})`;
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

const unreachable = (name: string): string =>
  `We could not reach ${name}. Your details were not saved. Please try again in a few minutes.`;
const setup = (): string => `This connection isn't set up correctly. Please contact ${ask()}.`;

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
  if (DENIED.has(c))
    return { line: `You didn't allow access to ${name}. Try again when you're ready.`, detail };
  if (c === 'cancelled' || c === 'conflict')
    return { line: 'This sign-in was cancelled. Press Connect to start again.', detail };
  if (c === 'expired') return { line: 'This sign-in took too long and expired. Please try again.', detail };
  if (/^Could not reach |did not answer within/.test(said) || c === 'temporarily_unavailable') {
    return {
      line:
        c === 'temporarily_unavailable'
          ? `${name} is busy right now. Please try again in a few minutes.`
          : unreachable(name),
      detail,
    };
  }
  if (SETUP.has(c)) return { line: setup(), detail };
  if (c === 'invalid_fields')
    return { line: 'Some of the details you entered are not valid. Check them and try again.', detail };
  if (c === 'test_failed')
    return {
      line: `${name} did not accept this sign-in. Check that your account has access, then try again.`,
      detail,
    };
  if (c === 'server_error' || c === 'token_error') {
    return {
      line: `${name} had a problem finishing the sign-in. Please try again in a few minutes. If it keeps happening, contact ${ask()}.`,
      detail,
    };
  }
  if (c === 'invalid_grant' || c === 'invalid_response')
    return { line: `The sign-in with ${name} did not finish. Please try again.`, detail };
  return {
    line: `We could not connect your ${name} account. Please try again. If it keeps happening, contact ${ask()}.`,
    detail,
  };
}
