// A sign-in whose `post_auth` discovery found several accounts the end user can link (Xero
// organisations, Jira sites, Docusign accounts): the sign-in window asks which one. The token
// exchange is done; what it gave waits here, sealed, bound to the browser that signed in (a
// cookie, as the OAuth state is), for one answer within the attempt's lifetime. The options the
// page shows are names only; the values each would keep never leave the server.
import { type Deps, servesHttps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { hashToken, hashTokenText, newId, newToken } from '../../ids.js';
import type { OAuthCredentials, Grant } from './token-endpoint.js';
import type { Discovered, DiscoveryOption } from './discovery.js';

export interface SealedChoice {
  return_to: string;
  config: Record<string, string>;
  credentials: OAuthCredentials;
  expires_at: string | null;
  /** The step that found the options; discovery goes on after it. */
  step: number;
  /** What the earlier steps found. */
  values: Record<string, string>;
  options: DiscoveryOption[];
}

export interface ChoiceRow {
  id: string;
  attempt_id: string;
  connect_session_id: number;
  connector_profile_id: string;
  provider: string;
  sealed: string;
  expires_at: Date;
}

/** The chooser to send the sign-in window to, and the cookie that binds the choice to it. */
export interface OfferedChoice {
  url: string;
  cookie: { name: string; value: string; maxAgeS: number };
}

/** What the chooser shows: the connector's name and the options' names, in the provider's order. */
export interface ChoiceView {
  provider: string;
  name: string;
  options: Array<{ label: string }>;
  expires_at: string;
}

/** The Hub page's look that the chooser keeps (the callback page checks each value). */
const LOOK_PARAMS = ['lang', 'company', 'logo', 'accent', 'on_accent'];

export function choiceCookieName(id: string, https: boolean): string {
  return `${https ? '__Host-' : ''}sb_choice_${hashTokenText(id).slice(0, 16)}`;
}

/** Our callback page in its choosing mode, in the language and colours of the Hub that opened it. */
function chooserUrl(deps: Deps, returnTo: string, id: string, provider: string): string {
  const page = new URL(`${deps.settings.publicUrl()}/embedded/accounts/callback`);
  let from: URL | null = null;
  try {
    from = new URL(returnTo);
  } catch {
    from = null;
  }
  for (const k of LOOK_PARAMS) {
    const v = from?.searchParams.get(k);
    if (v) page.searchParams.set(k, v);
  }
  page.searchParams.set('status', 'choose');
  page.searchParams.set('choice', id);
  page.searchParams.set('provider', provider);
  return page.toString();
}

/** The link a choice interrupts: what it needs to go on once answered. */
export interface ChoosingLink {
  attemptId: string;
  returnTo: string;
  provider: string;
  config: Record<string, string>;
  session: { id: number };
  profile: { id: string };
}

/** Keeps the exchange's result until the end user chooses; returns where their window goes next. */
export async function offerChoice(
  deps: Deps,
  link: ChoosingLink,
  grant: Grant,
  found: Discovered,
): Promise<OfferedChoice> {
  const ask = found.ask!;
  const id = newId('chc', 16);
  const browser = newToken();
  const sealed: SealedChoice = {
    return_to: link.returnTo,
    config: link.config,
    credentials: grant.credentials,
    expires_at: grant.expiresAt?.toISOString() ?? null,
    step: ask.step,
    values: found.values,
    options: ask.options,
  };
  // A choice lives as long as its attempt: the whole sign-in has one deadline.
  const { rows } = await deps.db.query<{ expires_at: Date }>(
    `INSERT INTO link_choices (id, attempt_id, connect_session_id, connector_profile_id, provider, browser_hash, sealed, expires_at, created_at)
     SELECT $1, a.id, $3, $4, $5, $6, $7, a.expires_at, $8 FROM connection_attempts a WHERE a.id = $2
     RETURNING expires_at`,
    [
      id,
      link.attemptId,
      link.session.id,
      link.profile.id,
      link.provider,
      hashToken(browser),
      deps.vault.sealJson(sealed),
      deps.clock(),
    ],
  );
  const ttlS = Math.max(1, Math.ceil((rows[0]!.expires_at.getTime() - deps.clock().getTime()) / 1000));
  const https = servesHttps(deps);
  return {
    url: chooserUrl(deps, link.returnTo, id, link.provider),
    cookie: { name: choiceCookieName(id, https), value: browser, maxAgeS: ttlS },
  };
}

export const gone = () =>
  new AppError(
    'LINK_CHOICE_NOT_FOUND',
    'This choice is no longer open. It has expired, was already made, or was opened in another browser. Go back to the app and press Connect again.',
  );

/** The open choice this browser holds, or LINK_CHOICE_NOT_FOUND. */
export async function openChoice(deps: Deps, id: string, browser: string | null): Promise<ChoiceRow> {
  if (!browser) throw gone();
  const { rows } = await deps.db.query<ChoiceRow>(
    `SELECT c.id, c.attempt_id, c.connect_session_id, c.connector_profile_id, c.provider, c.sealed, c.expires_at
     FROM link_choices c JOIN connection_attempts a ON a.id = c.attempt_id
     WHERE c.id = $1 AND c.browser_hash = $2 AND c.used_at IS NULL AND c.expires_at > $3 AND a.status = 'pending'`,
    [id, hashToken(browser), deps.clock()],
  );
  if (!rows[0]) throw gone();
  return rows[0];
}

/** `GET /connect/oauth2/choices/{id}`: the names to choose from. */
export async function viewChoice(deps: Deps, id: string, browser: string | null): Promise<ChoiceView> {
  const row = await openChoice(deps, id, browser);
  const sealed = deps.vault.openJson<SealedChoice>(row.sealed);
  return {
    provider: row.provider,
    name: deps.connectors.get(row.provider)?.name ?? row.provider,
    options: sealed.options.map((o) => ({ label: o.label })),
    expires_at: row.expires_at.toISOString(),
  };
}
