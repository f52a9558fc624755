import type { Deps } from '../core/deps.js';
import type { Connector } from '../connectors/schema.js';
import type { ProjectBranding } from '../core/projects/branding.js';
import type { Project } from '../contract/project.js';

/** Where a connector's logo is served, as an absolute URL for the Hub and the connector list. */
export function logoUrl(deps: Deps, c: Connector): string | null {
  return c.logoPath ? `${deps.settings.publicUrl()}/connectors/logos/${c.key}` : null;
}

/** Where a project's stored logo is served: its hash is in the path, so the URL changes with it. */
export function projectLogoUrl(deps: Deps, projectId: string, sha256: string | null): string | null {
  return sha256 ? `${deps.settings.publicUrl()}/project_logos/${projectId}/${sha256}` : null;
}

/** A project as `GET /project` answers. */
export function projectToWire(deps: Deps, p: ProjectBranding): Project {
  const b = p.branding;
  return {
    id: p.id,
    name: p.name,
    branding: {
      display_name: b.display_name ?? null,
      logo_url: projectLogoUrl(deps, p.id, p.logoSha256),
      accent_color: b.accent_color ?? null,
      support_email: b.support_email ?? null,
      privacy_url: b.privacy_url ?? null,
      terms_url: b.terms_url ?? null,
      consent_text: b.consent_text ?? null,
      show_powered_by: b.show_powered_by ?? true,
    },
  };
}
