import fs from 'node:fs/promises';
import path from 'node:path';
import { connectorSchema, type Connector } from './schema.js';
import { placeholders } from './templating.js';
import { actionProblem } from './action-schema.js';
import { eventsProblem } from './events-schema.js';
import { urlTemplateProblem } from './url-values.js';
import { urlHostProblem } from './url-hosts.js';
import { describeIssues } from './schema-issues.js';
import { translationProblem } from './translations.js';
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

/** Every template of the connector outside its actions, by its path in the file. */
function namedTemplates(c: Connector): Array<[string, string]> {
  const out: Array<[string, string]> = [['base_url', c.base_url]];
  for (const [k, v] of Object.entries(c.inject.headers)) out.push([`inject.headers.${k}`, v]);
  for (const [k, v] of Object.entries(c.inject.query)) out.push([`inject.query.${k}`, v]);
  if (c.inject.basic)
    out.push(
      ['inject.basic.username', c.inject.basic.username],
      ['inject.basic.password', c.inject.basic.password],
    );
  for (const [k, v] of Object.entries(c.headers)) out.push([`headers.${k}`, v]);
  if (c.test_action.base_url) out.push(['test_action.base_url', c.test_action.base_url]);
  for (const a of c.actions)
    if (a.request.base_url) out.push([`actions.${a.id}.request.base_url`, a.request.base_url]);
  if (c.auth.type !== 'oauth2') return out;
  const a = c.auth;
  if (a.authorization_url) out.push(['auth.authorization_url', a.authorization_url]);
  out.push(['auth.token_url', a.token_url]);
  for (const [k, v] of Object.entries(a.grant_params)) out.push([`auth.grant_params.${k}`, v]);
  if (a.revoke_url) out.push(['auth.revoke_url', a.revoke_url]);
  if (a.refresh_url) out.push(['auth.refresh_url', a.refresh_url]);
  if (Array.isArray(a.issuer)) for (const [i, v] of a.issuer.entries()) out.push([`auth.issuer.${i}`, v]);
  else if (a.issuer && a.issuer !== 'any') out.push(['auth.issuer', a.issuer]);
  for (const [k, v] of Object.entries(a.token_request.headers))
    out.push([`auth.token_request.headers.${k}`, v]);
  for (const group of ['params', 'code_params', 'refresh_params'] as const)
    for (const [k, v] of Object.entries(a.token_request[group]))
      out.push([`auth.token_request.${group}.${k}`, v]);
  return out;
}

/** Token fields a `keep` name may not replace: the ones every grant writes. */
const GRANT_FIELDS = new Set(['access_token', 'refresh_token', 'token_type', 'scope', 'expires_at']);

/** The new request-as-data keys' own rules: what the schema alone cannot say. */
function requestDataProblem(c: Connector): string | null {
  const secretFields = new Set(
    [
      ...c.config_fields.map((f) => ({ ...f, scope: 'config' })),
      ...c.setup_fields.map((f) => ({ ...f, scope: 'setup' })),
    ]
      .filter((f) => f.secret || f.type === 'password')
      .map((f) => `${f.scope}.${f.key}`),
  );
  for (const [name, template] of Object.entries(c.headers)) {
    for (const value of placeholders(template)) {
      if (value.startsWith('credentials.') || secretFields.has(value))
        return `headers.${name}: \${${value}} is a credential; credentials go in "inject"`;
    }
  }
  const credentialHeaders = new Set(Object.keys(c.inject.headers).map((k) => k.toLowerCase()));
  if (c.inject.basic) {
    if (credentialHeaders.has('authorization'))
      return 'inject.basic: inject.headers already sets Authorization';
    credentialHeaders.add('authorization');
  }
  for (const name of Object.keys(c.headers))
    if (credentialHeaders.has(name.toLowerCase()))
      return `headers.${name}: the header carries credentials (see "inject")`;
  if (c.test_action.body !== undefined && c.test_action.method === 'GET')
    return 'test_action.body: a GET request has no body (set test_action.method)';
  if (c.auth.type === 'oauth2') {
    for (const [name, template] of Object.entries(c.auth.token_request.headers)) {
      for (const value of placeholders(template)) {
        if (value.startsWith('credentials.') || secretFields.has(value))
          return `auth.token_request.headers.${name}: \${${value}} is a credential; the client authenticates as token_auth says`;
      }
      if (name.toLowerCase() === 'authorization' || name.toLowerCase() === 'content-type')
        return `auth.token_request.headers.${name}: the token request sets this header itself`;
    }
    for (const name of Object.keys(c.auth.token_response.keep)) {
      if (GRANT_FIELDS.has(name))
        return `auth.token_response.keep.${name}: the name is a token field every grant writes`;
    }
  }
  return null;
}

/** Checks what the schema cannot: templates only name fields that exist. */
function checkReferences(c: Connector, file: string) {
  const known = new Set([
    ...c.config_fields.map((f) => `config.${f.key}`),
    ...c.setup_fields.map((f) => `setup.${f.key}`),
    ...c.environments.flatMap((e) => Object.keys(e.values).map((k) => `env.${k}`)),
  ]);
  for (const [where, t] of namedTemplates(c)) {
    for (const name of placeholders(t)) {
      if (!name.startsWith('credentials.') && !known.has(name)) {
        throw new ConnectorDefinitionError(`${file}: ${where}: template names unknown value \${${name}}`);
      }
    }
  }
  const dataIssue = requestDataProblem(c);
  if (dataIssue) throw new ConnectorDefinitionError(`${file}: ${dataIssue}`);
  for (const name of c.origins) {
    if (!name.startsWith('credentials.') && !known.has(name))
      throw new ConnectorDefinitionError(`${file}: origins names unknown value ${name}`);
  }
  const urlIssue = urlTemplateProblem(c) ?? urlHostProblem(c);
  if (urlIssue) throw new ConnectorDefinitionError(`${file}: ${urlIssue}`);
  const actionIssue = actionProblem(c.key, c.actions, known);
  if (actionIssue) throw new ConnectorDefinitionError(`${file}: ${actionIssue}`);
  const eventIssue =
    c.events &&
    eventsProblem(
      c.key,
      c.events,
      c.config_fields.map((f) => f.key),
    );
  if (eventIssue) throw new ConnectorDefinitionError(`${file}: ${eventIssue}`);
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
  const translationIssue = translationProblem(c);
  if (translationIssue) throw new ConnectorDefinitionError(`${file}: ${translationIssue}`);
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
