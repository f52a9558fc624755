import { z } from 'zod';
import { ConfigError } from '../config/config.js';
import {
  createProject,
  findProject,
  listProjects,
  UnknownOrganizationError,
  type ProjectOrganization,
} from '../core/projects/projects.js';
import type { Queryable } from '../store/db.js';
import { DATABASE_FLAGS, parseCommandFlags, withDatabase } from './database.js';

export const PROJECTS_USAGE = `Usage: switchboard projects <create|list> [flags]

  projects create --name <text> [--organization <id> | --new-organization <name>]
            create a project and print its id; it joins the default project's organization
            unless --organization or --new-organization says otherwise
  projects list
            list projects: id, name, default, organization, active keys, created

A new project has no API key: create one with switchboard keys create --project <id>.
These commands work while the server runs, also on the embedded database.
${DATABASE_FLAGS}`;

const CreateFlags = z.strictObject({
  name: z.string().trim().min(1, '--name must not be empty').max(200, '--name is longer than 200 characters'),
  organization: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, '--organization takes an organization id (a number, see projects list)')
    .transform(Number)
    .optional(),
  'new-organization': z.string().trim().min(1, '--new-organization must not be empty').max(200).optional(),
});

function createFlags(values: Record<string, unknown>) {
  const { 'data-dir': _d, 'database-url': _u, ...own } = values;
  const parsed = CreateFlags.safeParse(own);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      issue.path[0] === 'name' && issue.code === 'invalid_type'
        ? `projects create needs --name\n\n${PROJECTS_USAGE}`
        : issue.message,
    );
  }
  if (parsed.data.organization !== undefined && parsed.data['new-organization'] !== undefined) {
    throw new ConfigError('give --organization or --new-organization, not both');
  }
  return parsed.data;
}

async function organizationFor(
  db: Queryable,
  flags: ReturnType<typeof createFlags>,
): Promise<ProjectOrganization> {
  if (flags.organization !== undefined) return { id: flags.organization };
  if (flags['new-organization'] !== undefined) return { name: flags['new-organization'] };
  const fallback = await findProject(db);
  if (!fallback)
    throw new ConfigError(
      'no default organization yet: start the server once first, or pass --new-organization <name>',
    );
  return { id: fallback.organizationId };
}

export async function projectsCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(PROJECTS_USAGE);
    return;
  }
  if (sub !== 'create' && sub !== 'list')
    throw new ConfigError(`unknown projects command "${sub}"\n\n${PROJECTS_USAGE}`);
  const options =
    sub === 'create'
      ? ({
          name: { type: 'string' },
          organization: { type: 'string' },
          'new-organization': { type: 'string' },
        } as const)
      : {};
  // Usage errors are reported before any database is started.
  const given = parseCommandFlags(rest, options);
  if (given.positionals.length)
    throw new ConfigError(`unexpected argument "${given.positionals[0]}"\n\n${PROJECTS_USAGE}`);
  const flags = sub === 'create' ? createFlags(given.values) : undefined;
  await withDatabase(
    rest,
    options,
    async ({ db }) => {
      if (flags) {
        try {
          const project = await createProject(db, flags.name, await organizationFor(db, flags));
          // The id alone on stdout, so that scripts can capture it; the hint goes to stderr.
          console.log(project.projectId);
          console.error(
            `Created project ${project.projectId} in organization ${project.organizationId}. Give it an API key with: switchboard keys create --project ${project.projectId}`,
          );
        } catch (err) {
          if (err instanceof UnknownOrganizationError)
            throw new ConfigError(`${err.message} (see projects list)`);
          throw err;
        }
        return;
      }
      for (const p of await listProjects(db)) {
        console.log(
          [
            p.id,
            p.name,
            p.isDefault ? 'default' : '-',
            `organization ${p.organizationId} (${p.organizationName})`,
            `${p.activeKeys} active keys`,
            p.createdAt.toISOString(),
          ].join('\t'),
        );
      }
    },
    { whileServerRuns: true },
  );
}
