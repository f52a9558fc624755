import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import {
  createProfile,
  deleteProfile,
  getProfile,
  listProfiles,
  profileToWire,
  updateProfile,
} from '../../../core/connector-profiles/profiles.js';
import { checkProfileSetup } from '../../../core/linking/oauth2/profile-check.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { createProfileSchema, updateProfileSchema } from '../../../contract/connector-profiles.js';

type IdParams = { Params: { id: string } };

export function connectorProfileRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/connector_profiles', async (req, reply) => {
    const profile = await createProfile(deps, projectOf(req), parseInput(createProfileSchema, req.body));
    return reply.status(201).send(profileToWire(profile));
  });
  app.get('/connector_profiles', async (req) =>
    (await listProfiles(deps, projectOf(req))).map(profileToWire),
  );
  app.get<IdParams>('/connector_profiles/:id', async (req) =>
    profileToWire(await getProfile(deps, projectOf(req), req.params.id)),
  );
  app.patch<IdParams>('/connector_profiles/:id', async (req) =>
    profileToWire(
      await updateProfile(deps, projectOf(req), req.params.id, parseInput(updateProfileSchema, req.body)),
    ),
  );
  app.post<IdParams>('/connector_profiles/:id/check', async (req) =>
    checkProfileSetup(deps, projectOf(req), req.params.id),
  );
  app.delete<IdParams>('/connector_profiles/:id', async (req) =>
    profileToWire(await deleteProfile(deps, projectOf(req), req.params.id)),
  );
}
