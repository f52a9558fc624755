import type { Connector } from './schema.js';
import { hostMatches } from './hosts.js';
import { asOrigin, urlPlaceholderPositions, type UrlValueKind } from './templating.js';

/**
 * The declared kind of a URL placeholder: listed in the connector's `origins`, a field whose
 * format is `dns_label`, or (anything else) a percent-encoded segment.
 */
export function urlValueKind(
  c: Pick<Connector, 'origins' | 'config_fields' | 'setup_fields'>,
  name: string,
): UrlValueKind {
  if (c.origins.includes(name)) return 'origin';
  const [scope, key] = name.split('.') as [string, string];
  const fields = scope === 'config' ? c.config_fields : scope === 'setup' ? c.setup_fields : [];
  return fields.some((f) => f.key === key && f.format === 'dns_label') ? 'host_label' : 'segment';
}

/**
 * The connector's own URL templates, by name: the ones a profile override may replace
 * (`base_url`, `authorization_url`, `token_url`, `revoke_url`) and those it may not
 * (`refresh_url`, `test_action.base_url`, an action's own `actions.<id>.base_url`).
 */
export function urlTemplates(c: Connector): Array<[string, string]> {
  const out: Array<[string, string]> = [['base_url', c.base_url]];
  if (c.auth.type === 'oauth2') {
    // The client credentials grant has no authorize URL ('').
    if (c.auth.authorization_url) out.push(['authorization_url', c.auth.authorization_url]);
    out.push(['token_url', c.auth.token_url]);
    if (c.auth.revoke_url) out.push(['revoke_url', c.auth.revoke_url]);
    if (c.auth.refresh_url) out.push(['refresh_url', c.auth.refresh_url]);
  }
  if (c.test_action.base_url) out.push(['test_action.base_url', c.test_action.base_url]);
  for (const a of c.actions)
    if (a.request.base_url) out.push([`actions.${a.id}.base_url`, a.request.base_url]);
  return out;
}

/** URL templates that only ever carry credentials: their host must be one the connector owns. */
const OWNED_TEMPLATES = new Set(['refresh_url', 'test_action.base_url']);

/** A credential-carrying template whose host is written out (no placeholder) on a host not in `hosts`. */
function literalHostProblem(c: Connector): string | null {
  for (const [which, template] of urlTemplates(c)) {
    const owned = OWNED_TEMPLATES.has(which) || which.startsWith('actions.');
    if (!owned || urlPlaceholderPositions(template).some((p) => p.inHost)) continue;
    let host: string;
    try {
      host = new URL(template.replace(/\$\{[^}]*\}/g, 'x')).hostname;
    } catch {
      return `${which}: not a URL such as https://api.example.com`;
    }
    if (!c.hosts.some((h) => hostMatches(host, h)))
      return `${which}: ${host} is not a host the connector owns`;
  }
  return null;
}

/**
 * What the schema cannot check about URL templates, at load time: an origin starts its template,
 * the host part holds only origins and DNS labels, and every environment's origin value is an
 * https origin on a host the connector owns.
 */
export function urlTemplateProblem(c: Connector): string | null {
  for (const [which, template] of urlTemplates(c)) {
    for (const p of urlPlaceholderPositions(template)) {
      const kind = urlValueKind(c, p.name);
      if (kind === 'origin' && p.index !== 0)
        return `${which}: \${${p.name}} is an origin and must start the URL`;
      if (p.inHost && kind === 'segment') {
        return `${which}: \${${p.name}} sits in the host, so it must be listed in "origins" or be a field with format "dns_label"`;
      }
    }
  }
  const ownIssue = literalHostProblem(c);
  if (ownIssue) return ownIssue;
  for (const name of c.origins) {
    const [scope, key] = name.split('.') as [string, string];
    if (scope !== 'env') continue;
    for (const env of c.environments) {
      const value = env.values[key];
      if (value === undefined) return `origins: environment ${env.key} has no value ${key}`;
      const origin = asOrigin(value);
      if (!origin?.startsWith('https://'))
        return `origins: ${env.key}.${key} must be an https origin such as https://login.example.com`;
      if (!c.hosts.some((h) => hostMatches(new URL(origin).hostname, h)))
        return `origins: ${env.key}.${key} is on a host the connector does not own`;
    }
  }
  return null;
}
