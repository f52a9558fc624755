import type { Deps } from '../../deps.js';
import type { Connector } from '../../../connectors/schema.js';
import { translateProviderError } from '../../connector-profiles/target.js';

/**
 * Short on purpose: the end user is waiting on a blank popup, and any failure here only means
 * "go on as before" — the provider's own page then has the last word.
 */
export const PREFLIGHT_TIMEOUT_MS = 5_000;
/** Enough to find an error text on a provider's error page; the rest is not read. */
const BODY_LIMIT = 64 * 1024;

export type PreflightResult =
  | { refused: false; status: number | null }
  | { refused: true; status: number; code: string; description: string };

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < BODY_LIMIT) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

/**
 * GETs the authorize URL the popup is about to open, without following redirects, and says
 * whether the connector's `auth.authorize_preflight` rules refuse it. A provider that rejects
 * the client on its own page (Kustomer answers 400 "Invalid Client" when the app is not
 * installed, seed 001) would otherwise leave the popup there and the attempt pending until it
 * expires. A network error, a timeout or any answer the rules do not name is `refused: false`.
 * The URL carries a fresh one-time state that this request never completes.
 */
export async function preflightAuthorize(
  deps: Deps,
  connector: Connector,
  authorizeUrl: string,
): Promise<PreflightResult> {
  const rules = connector.auth.type === 'oauth2' ? connector.auth.authorize_preflight : undefined;
  if (!rules) return { refused: false, status: null };
  let res: Response;
  try {
    res = await deps.fetch(authorizeUrl, {
      method: rules.method,
      redirect: 'manual',
      headers: { accept: 'text/html,application/json;q=0.9,*/*;q=0.8' },
      signal: AbortSignal.timeout(PREFLIGHT_TIMEOUT_MS),
    });
  } catch (err) {
    deps.log.info(
      { provider: connector.key, err: (err as Error)?.name },
      'authorize preflight did not answer; the popup goes on',
    );
    return { refused: false, status: null };
  }
  const matching = rules.refuse.filter((r) => r.status === res.status);
  if (!matching.length) {
    await res.body?.cancel().catch(() => undefined);
    return { refused: false, status: res.status };
  }
  let body: string;
  try {
    body = (await readCapped(res)).toLowerCase();
  } catch {
    return { refused: false, status: res.status };
  }
  const rule = matching.find((r) => body.includes(r.body_contains.toLowerCase()));
  if (!rule) return { refused: false, status: res.status };
  const description =
    translateProviderError(connector, rule.body_contains) ??
    `${connector.name} refused the connection: ${rule.body_contains}`;
  return { refused: true, status: res.status, code: rule.reason, description };
}
