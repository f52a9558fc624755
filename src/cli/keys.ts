import { ConfigError } from '../config/config.js';
import { addApiKey, generateApiKey, listApiKeys, revokeApiKey } from '../core/projects/api-keys.js';
import { findProject } from '../core/projects/projects.js';
import type { Queryable } from '../store/db.js';
import { DATABASE_FLAGS, withDatabase } from './database.js';

export const KEYS_USAGE = `Usage: switchboard keys <create|list|revoke> [flags]

  keys create [--label <text>] [--project <id>]   create an API key (printed once)
  keys list [--project <id>]                       list keys: id, hint, state, created, label
  keys revoke <key id> [--project <id>]            revoke a key; a running server refuses it at once

The default project is used unless --project is given (see switchboard projects list).
revoke finds the key by its id in any project; with --project it refuses a key of another one.
These commands work while the server runs, also on the embedded database.
${DATABASE_FLAGS}`;

async function projectId(db: Queryable, given: unknown): Promise<string> {
  const id = typeof given === 'string' ? given : undefined;
  const project = await findProject(db, id);
  if (!project) {
    throw new ConfigError(
      id === undefined
        ? 'no default project: start the server once first'
        : `no project ${id} (see switchboard projects list)`,
    );
  }
  return project.projectId;
}

export async function keysCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(KEYS_USAGE);
    return;
  }
  if (!['create', 'list', 'revoke'].includes(sub))
    throw new ConfigError(`unknown keys command "${sub}"\n\n${KEYS_USAGE}`);
  await withDatabase(
    rest,
    { label: { type: 'string' }, project: { type: 'string' } },
    async ({ db, values, positionals }) => {
      if (sub === 'create') {
        const project = await projectId(db, values.project);
        const key = generateApiKey();
        const id = await addApiKey(db, project, key, typeof values.label === 'string' ? values.label : '');
        console.log(
          `Created API key ${id} for project ${project}. It is shown once, store it now:\n\n  ${key}\n`,
        );
      } else if (sub === 'list') {
        for (const k of await listApiKeys(db, await projectId(db, values.project))) {
          console.log(
            [
              k.id,
              k.hint,
              k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
              k.createdAt.toISOString(),
              k.label,
            ].join('\t'),
          );
        }
      } else {
        const id = positionals[0];
        if (!id || positionals.length > 1)
          throw new ConfigError('keys revoke needs one key id (see keys list)');
        const project = values.project === undefined ? undefined : await projectId(db, values.project);
        const result = await revokeApiKey(db, id, project === undefined ? {} : { projectId: project });
        switch (result.outcome) {
          case 'unknown':
            throw new ConfigError(`no key ${id} (see keys list --project <id>)`);
          case 'other_project':
            throw new ConfigError(
              `key ${id} belongs to project ${result.key.projectId}, not ${project}: nothing revoked`,
            );
          case 'already_revoked':
            throw new ConfigError(
              `key ${id} of project ${result.key.projectId} was already revoked at ${result.key.revokedAt!.toISOString()}`,
            );
          case 'revoked':
            console.log(`Revoked ${id} (project ${result.key.projectId}).`);
            if (result.activeKeysLeft === 0) {
              console.log(
                `Project ${result.key.projectId} has no active API key left: create one with switchboard keys create --project ${result.key.projectId}`,
              );
            }
        }
      }
    },
    { whileServerRuns: true },
  );
}
