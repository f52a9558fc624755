import type { Deps } from '../core/deps.js';
import type { Connector } from '../connectors/schema.js';

/** Where a connector's logo is served, as an absolute URL for the Hub and the connector list. */
export function logoUrl(deps: Deps, c: Connector): string | null {
  return c.logoPath ? `${deps.settings.publicUrl()}/connectors/logos/${c.key}` : null;
}
