import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { readProjectBranding, updateProjectBranding } from '../../../core/projects/branding.js';
import { patchProjectSchema } from '../../../contract/project.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { projectToWire } from '../../public-urls.js';

/** `GET`/`PATCH /project`: the authenticated project's name and branding (ours). */
export function projectRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/project', async (req) =>
    projectToWire(deps, await readProjectBranding(deps, projectOf(req).projectId)),
  );

  app.patch('/project', async (req) => {
    const input = parseInput(patchProjectSchema, req.body);
    return projectToWire(deps, await updateProjectBranding(deps, projectOf(req), input));
  });
}
