/**
 * `${scope.name}` templates in connector files. Scopes: `config` (the end user's Hub fields),
 * `setup` (the connector profile), `credentials` (tokens and kept token fields), `env` (the
 * environment's values). A missing value is an error, never an empty string.
 */
export type TemplateContext = Partial<Record<'config' | 'setup' | 'credentials' | 'env', Record<string, unknown>>>;

export class TemplateError extends Error {}

const PLACEHOLDER = /\$\{([a-z_]+)\.([A-Za-z0-9_]+)\}/g;

export function render(template: string, ctx: TemplateContext, encode: (v: string) => string = (v) => v): string {
  return template.replace(PLACEHOLDER, (_, scope: string, name: string) => {
    const value = (ctx as Record<string, Record<string, unknown> | undefined>)[scope]?.[name];
    if (value === undefined || value === null || value === '') {
      throw new TemplateError(`missing value for \${${scope}.${name}}`);
    }
    return encode(String(value));
  });
}

/** Names used by a template, e.g. `["config.org_name"]`. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => `${m[1]}.${m[2]}`);
}
