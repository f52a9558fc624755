/**
 * Plain words for a failed Hub API call (saving API-token details, loading a connector). The
 * server's message and the provider's answer go to "Details"; the line says what happened and
 * what to do next. The server's messages are developer-facing ("credentials.q: Too big: …",
 * "Oneflow rejected the credentials: Invalid API token"), so they are never the line, except a
 * connector's own translation of a provider answer, which is written for end users.
 */
import { ApiError } from './api.js';
import { ask, type Problem } from '../shared/oauth-words.js';
import { t } from '../shared/i18n/i18n.js';

export { oauthProblem, type Problem } from '../shared/oauth-words.js';

const REFUSED = / rejected the credentials: /;
const UNREACHABLE = /^Could not reach |did not answer within/;

function evidence(e: ApiError): string | undefined {
  const parts = [e.message, e.providerResponse?.trim()].filter((p): p is string => !!p);
  const unique = parts.filter((p, i) => parts.indexOf(p) === i && !(i > 0 && parts[0]!.endsWith(p)));
  return unique.length ? unique.join('\n\n') : undefined;
}

/**
 * @param name the connector's display name.
 * @param labelOf the form's label for a field key, to say which one the server refused.
 */
export function apiProblem(
  e: unknown,
  name: string,
  labelOf: (key: string) => string | undefined = () => undefined,
): Problem {
  if (!(e instanceof ApiError))
    return {
      line: t('problem.generic', { whom: ask() }),
      detail: e instanceof Error ? e.message : undefined,
    };
  const detail = evidence(e);
  if (e.status === 0) return { line: t('problem.offline'), detail };
  if (e.status === 429) return { line: t('problem.tooMany'), detail };
  if (e.status >= 500) return { line: t('problem.server'), detail };
  if (e.fromProvider) {
    if (e.providerStatus === null || UNREACHABLE.test(e.message)) {
      return { line: t('problem.unreachable', { name }), detail };
    }
    if (typeof e.providerStatus === 'number' && e.providerStatus >= 500) {
      return { line: t('problem.providerDown', { name }), detail };
    }
    if (REFUSED.test(e.message)) return { line: t('problem.refused', { name }), detail };
    // A connector translation: already written for the end user.
    return { line: e.message, detail: e.providerResponse?.trim() || undefined };
  }
  if (e.field !== undefined) {
    const key = e.field.replace(/^credentials\./, '');
    const label = labelOf(key);
    return {
      line: label ? t('problem.fieldInvalid', { label }) : t('problem.invalidFields'),
      detail,
    };
  }
  if (e.status === 404) return { line: t('problem.gone', { name, whom: ask() }), detail };
  if (e.status === 409) return { line: t('problem.conflict'), detail };
  return { line: t('problem.setup', { whom: ask() }), detail };
}
