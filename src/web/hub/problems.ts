/**
 * Plain words for a failed Hub API call (saving API-token details, loading a connector). The
 * server's message and the provider's answer go to "Details"; the line says what happened and
 * what to do next. The server's messages are developer-facing ("credentials.q: Too big: …",
 * "Oneflow rejected the credentials: Invalid API token"), so they are never the line, except a
 * connector's own translation of a provider answer, which is written for end users.
 */
import { ApiError } from './api.js';
import { ask, type Problem } from '../shared/oauth-words.js';

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
      line: `Something went wrong. Please try again. If it keeps happening, contact ${ask()}.`,
      detail: e instanceof Error ? e.message : undefined,
    };
  const detail = evidence(e);
  if (e.status === 0)
    return { line: 'We could not reach the server. Check your internet connection and try again.', detail };
  if (e.status === 429)
    return { line: 'Too many tries in a short time. Wait a minute, then try again.', detail };
  if (e.status >= 500)
    return {
      line: 'Something went wrong on our side. Your details were not saved. Please try again in a few minutes.',
      detail,
    };
  if (e.fromProvider) {
    if (e.providerStatus === null || UNREACHABLE.test(e.message)) {
      return {
        line: `We could not reach ${name}. Your details were not saved. Please try again in a few minutes.`,
        detail,
      };
    }
    if (typeof e.providerStatus === 'number' && e.providerStatus >= 500) {
      return {
        line: `${name} is having problems right now. Your details were not saved. Please try again in a few minutes.`,
        detail,
      };
    }
    if (REFUSED.test(e.message))
      return { line: `${name} did not accept these details. Check them and try again.`, detail };
    // A connector translation: already written for the end user.
    return { line: e.message, detail: e.providerResponse?.trim() || undefined };
  }
  if (e.field !== undefined) {
    const key = e.field.replace(/^credentials\./, '');
    const label = labelOf(key);
    return {
      line: label
        ? `${label} is not valid. Check it and try again.`
        : 'Some of the details you entered are not valid. Check them and try again.',
      detail,
    };
  }
  if (e.status === 404)
    return {
      line: `${name} is no longer available for this link. Choose another app, or ask ${ask()} for a new link.`,
      detail,
    };
  if (e.status === 409)
    return { line: 'This connection changed while you were working. Please try again.', detail };
  return { line: `This connection isn't set up correctly. Please contact ${ask()}.`, detail };
}
