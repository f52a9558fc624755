import fs from 'node:fs/promises';
import path from 'node:path';
import { connectorSchema, type Connector } from './schema.js';
import { placeholders } from './templating.js';
import { actionProblem } from './action-schema.js';
import { urlTemplateProblem } from './url-values.js';
import { urlHostProblem } from './url-hosts.js';
import { describeIssues } from './schema-issues.js';
import { setupHelperProblem } from './setup-helper-schema.js';
import { PACKAGE_ROOT } from '../package-root.js';

export const BUILTIN_CONNECTORS_DIR = path.join(PACKAGE_ROOT, 'connectors');

/** The JSON Schema of connector files, shipped beside them (`npm run connectors:schema` writes it). */
export const SCHEMA_FILE = 'schema.json';

export class ConnectorDefinitionError extends Error {}

export interface ConnectorRegistry {
  get(key: string): Connector | undefined;
  list(): Connector[];
}

/** Checks what the schema cannot: templates only name fields that exist. */
function checkReferences(c: Connector, file: string) {
  const known = new Set([
    ...c.config_fields.map((f) => `config.${f.key}`),
    ...c.setup_fields.map((f) => `setup.${f.key}`),
    ...c.environments.flatMap((e) => Object.keys(e.values).map((k) => `env.${k}`)),
  ]);
  const templates = [c.base_url, ...Object.values(c.inject.headers), ...Object.values(c.inject.query)];
  if (c.auth.type === 'oauth2')
    templates.push(c.auth.authorization_url, c.auth.token_url, c.auth.revoke_url ?? '');
  for (const t of templates) {
    for (const name of placeholders(t)) {
      if (!name.startsWith('credentials.') && !known.has(name)) {
        throw new ConnectorDefinitionError(`${file}: template names unknown value \${${name}}`);
      }
    }
  }
  for (const name of c.origins) {
    if (!name.startsWith('credentials.') && !known.has(name))
      throw new ConnectorDefinitionError(`${file}: origins names unknown value ${name}`);
  }
  const urlIssue = urlTemplateProblem(c) ?? urlHostProblem(c);
  if (urlIssue) throw new ConnectorDefinitionError(`${file}: ${urlIssue}`);
  const actionIssue = actionProblem(c.key, c.actions, known);
  if (actionIssue) throw new ConnectorDefinitionError(`${file}: ${actionIssue}`);
  // A refused authorize preflight shows the end user a translated message: it must exist now.
  if (c.auth.type === 'oauth2') {
    for (const rule of c.auth.authorize_preflight?.refuse ?? []) {
      const said = rule.body_contains.toLowerCase();
      if (!c.error_translations.some((t) => said.includes(t.match.toLowerCase()))) {
        throw new ConnectorDefinitionError(
          `${file}: auth.authorize_preflight refuses "${rule.body_contains}" but no error_translations entry matches it`,
        );
      }
    }
  }
  const helperIssue = c.setup_helper && setupHelperProblem(c.setup_helper, c);
  if (helperIssue) throw new ConnectorDefinitionError(`${file}: ${helperIssue}`);
  const envKeys = c.environments.map((e) => e.key);
  if (new Set(envKeys).size !== envKeys.length)
    throw new ConnectorDefinitionError(`${file}: duplicate environment keys`);
}

export async function loadConnectorFile(file: string): Promise<Connector> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new ConnectorDefinitionError(`${file}: ${(err as Error).message}`);
  }
  const parsed = connectorSchema.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(connectorSchema, parsed.error);
    throw new ConnectorDefinitionError(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const connector: Connector = parsed.data;
  checkReferences(connector, file);
  if (connector.logo) {
    const logoPath = path.resolve(path.dirname(file), connector.logo);
    if (!logoPath.startsWith(path.dirname(file) + path.sep))
      throw new ConnectorDefinitionError(`${file}: logo must be inside its directory`);
    connector.logoPath = logoPath;
  }
  return connector;
}

async function loadDir(dir: string): Promise<Connector[]> {
  // schema.json is the JSON Schema the connector files point editors at, not a connector.
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE).sort();
  return Promise.all(files.map((f) => loadConnectorFile(path.join(dir, f))));
}

/** Loads the built-in connectors and, if given, a user directory whose files add or replace them. */
export async function loadConnectors(extraDir?: string): Promise<ConnectorRegistry> {
  const map = new Map<string, Connector>();
  for (const c of await loadDir(BUILTIN_CONNECTORS_DIR)) map.set(c.key, c);
  if (extraDir) for (const c of await loadDir(extraDir)) map.set(c.key, c);
  return { get: (key) => map.get(key), list: () => [...map.values()] };
}
