// The load-time host check of a connector's URL templates: each one, rendered for every
// environment with sample values, must land on an https host the connector owns. A template
// whose host is a value only known after linking (`${credentials.instance_url}`) is checked when
// it renders at run time instead.
import type { Connector } from './schema.js';
import { hostMatches } from './hosts.js';
import { placeholders, renderUrl, type TemplateContext } from './templating.js';
import { urlTemplates, urlValueKind } from './url-values.js';

/** A stand-in for each field value: a DNS label fits a host, and any text fits a segment. */
const SAMPLE = 'sample';

function sampleContext(c: Connector, env: Connector['environments'][number]): TemplateContext {
  const fields = (list: Connector['config_fields']) =>
    Object.fromEntries(list.map((f) => [f.key, f.options?.[0]?.value ?? f.default ?? SAMPLE]));
  return {
    env: env.values,
    config: fields(c.config_fields),
    setup: fields(c.setup_fields),
    credentials: credentialSamples(c),
  };
}

/**
 * A stand-in for each credentials value a URL template names inside its path (a QuickBooks realm
 * id, a Docusign account id): known only after linking, but never part of the host.
 */
export function credentialSamples(c: Connector): Record<string, string> {
  const names = urlTemplates(c).flatMap(([, template]) => placeholders(template));
  return Object.fromEntries(
    names
      .filter((n) => n.startsWith('credentials.') && urlValueKind(c, n) !== 'origin')
      .map((n) => [n.slice('credentials.'.length), SAMPLE]),
  );
}

/** The first URL template that renders off the connector's hosts, or null. */
export function urlHostProblem(c: Connector): string | null {
  for (const [which, template] of urlTemplates(c)) {
    const runtimeOrigin = placeholders(template).some(
      (name) => name.startsWith('credentials.') && urlValueKind(c, name) === 'origin',
    );
    if (runtimeOrigin) continue;
    for (const env of c.environments) {
      let url: URL;
      try {
        url = new URL(renderUrl(template, sampleContext(c, env), (name) => urlValueKind(c, name)));
      } catch (err) {
        return `${which}: does not render to a URL in environment ${env.key} (${(err as Error).message})`;
      }
      if (url.protocol !== 'https:') return `${which}: must be an https URL (environment ${env.key})`;
      if (!c.hosts.some((p) => hostMatches(url.hostname, p)))
        return `${which}: renders to ${url.hostname} in environment ${env.key}, a host the connector does not own (add it to "hosts")`;
    }
  }
  return null;
}
