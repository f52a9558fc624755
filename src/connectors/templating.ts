/**
 * `${scope.name}` templates in connector files. Scopes: `config` (the end user's Hub fields),
 * `setup` (the connector profile), `credentials` (tokens and kept token fields), `env` (the
 * environment's values). A missing value is an error, never an empty string.
 */
export type TemplateContext = Partial<
  Record<'config' | 'setup' | 'credentials' | 'env', Record<string, unknown>>
>;

export class TemplateError extends Error {}

const PLACEHOLDER = /\$\{([a-z_]+)\.([A-Za-z0-9_]+)\}/g;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function lookup(ctx: TemplateContext, scope: string, name: string): string {
  const value = (ctx as Record<string, Record<string, unknown> | undefined>)[scope]?.[name];
  if (value === undefined || value === null || value === '') {
    throw new TemplateError(`missing value for \${${scope}.${name}}`);
  }
  return String(value);
}

export function render(
  template: string,
  ctx: TemplateContext,
  encode: (v: string) => string = (v) => v,
): string {
  return template.replace(PLACEHOLDER, (_, scope: string, name: string) => encode(lookup(ctx, scope, name)));
}

/** Names used by a template, e.g. `["config.org_name"]`. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => `${m[1]}.${m[2]}`);
}

/**
 * What a placeholder in a URL template may stand for. Declared by the connector, never guessed
 * from the value: a value shaped like a URL in a path position is still a path segment.
 * - `origin`: a whole `https://host[:port]` (Salesforce's `${env.login_host}`, `${credentials.instance_url}`);
 *   only at the very start of a template.
 * - `host_label`: one DNS label inside the host (Kustomer's `${config.org_name}`).
 * - `segment`: anything else, percent-encoded so it cannot add a path, query, port or host.
 */
export type UrlValueKind = 'origin' | 'host_label' | 'segment';

/** Where each placeholder of a URL template sits: in the authority (host) part, or after it. */
export function urlPlaceholderPositions(
  template: string,
): Array<{ name: string; index: number; inHost: boolean }> {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(template);
  const authorityStart = scheme ? scheme[0].length : 0;
  const rest = template.slice(authorityStart);
  const authorityEnd = scheme ? authorityStart + (/[/?#]/.exec(rest)?.index ?? rest.length) : 0;
  return [...template.matchAll(PLACEHOLDER)].map((m) => ({
    name: `${m[1]}.${m[2]}`,
    index: m.index,
    // Without a scheme the template must start with an origin: its first placeholder is the host.
    inHost: scheme ? m.index >= authorityStart && m.index < authorityEnd : m.index === 0,
  }));
}

/** The origin of `value` when it is exactly an origin (no path, query, fragment or credentials), else null. */
export function asOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    return null;
  if (value.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) return null;
  return url.origin;
}

/**
 * Renders a URL template by the declared kind of each placeholder (see `UrlValueKind`). A value
 * that does not fit its kind is an error: it never becomes part of the URL in another role.
 */
export function renderUrl(
  template: string,
  ctx: TemplateContext,
  kindOf: (name: string) => UrlValueKind,
): string {
  return template.replace(PLACEHOLDER, (_, scope: string, name: string, index: number) => {
    const full = `${scope}.${name}`;
    const value = lookup(ctx, scope, name);
    switch (kindOf(full)) {
      case 'origin': {
        if (index !== 0) throw new TemplateError(`\${${full}} is an origin and must start the URL`);
        const origin = asOrigin(value);
        if (!origin) throw new TemplateError(`\${${full}} is not an origin such as https://example.com`);
        return origin;
      }
      case 'host_label':
        if (!DNS_LABEL.test(value)) throw new TemplateError(`\${${full}} is not a single DNS label`);
        return value.toLowerCase();
      default:
        return encodeURIComponent(value);
    }
  });
}
