import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { connectorsMeta } from '../../../contract/connectors.js';
import type { Deps, ProjectScope } from '../../../core/deps.js';
import type { Connector } from '../../../connectors/schema.js';
import { listProfiles } from '../../../core/connector-profiles/profiles.js';
import { AppError } from '../../../core/errors.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { logoUrl } from '../../public-urls.js';

const query = z
  .object({ include: z.union([z.string().max(500), z.array(z.string().max(500))]).optional() })
  .loose();

function connectorMeta(deps: Deps, c: Connector, active: boolean): z.input<typeof connectorsMeta> {
  return {
    provider: c.key,
    provider_name: c.name,
    category: c.categories[0]!,
    categories: c.categories,
    description: c.description,
    auth_type: c.auth.type,
    active,
    models: {},
    resources: { images: { logo_url: logoUrl(deps, c), original_logo_horizontal_url: null } },
  };
}

async function activeProviders(deps: Deps, scope: ProjectScope) {
  return new Set((await listProfiles(deps, scope)).filter((p) => p.active).map((p) => p.provider));
}

export function connectorMetaRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/connectors/meta', async (req) => {
    parseInput(query, req.query, 'query');
    const active = await activeProviders(deps, projectOf(req));
    return deps.connectors.list().map((c) => connectorMeta(deps, c, active.has(c.key)));
  });

  app.get<{ Params: { provider: string } }>('/connectors/meta/:provider', async (req) => {
    parseInput(query, req.query, 'query');
    const c = deps.connectors.get(req.params.provider);
    if (!c) throw new AppError('CONNECTOR_NOT_FOUND', 'Connector not found');
    const active = await activeProviders(deps, projectOf(req));
    return connectorMeta(deps, c, active.has(c.key));
  });
}
