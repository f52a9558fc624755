// `switchboard connectors new <key>`: writes a connector file that loads, a letter-mark logo and
// the schema beside it, for the author to fill in with the provider's documented facts.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.js';
import { CATEGORIES } from '../contract/categories.js';
import { ConnectorDefinitionError, loadConnectorFile, SCHEMA_FILE } from '../connectors/loader.js';
import { BUILTIN_CONNECTORS_DIR } from '../connectors/loader.js';
import { connectorSchema } from '../connectors/schema.js';

export const NEW_USAGE = `Usage: switchboard connectors new <key> [options]

Writes <dir>/<key>.json (a connector that loads), <dir>/logos/<key>.svg (a letter mark) and
<dir>/schema.json (for editors), then checks the file. Fill in the provider's facts, cite them
under "sources", and run: switchboard connectors validate <dir>/<key>.json

  --name <text>        the provider's name                      default the key, capitalised
  --auth <type>        oauth2 or api_key                        default oauth2
  --category <c>       one of ${CATEGORIES.join(', ')}
                                                                default crm
  --host <name>        the provider's API host                  default api.<key>.example
  --color <#rrggbb>    the logo's background                    default derived from the key
  --dir <path>         where to write                           default ./connectors
  --force              overwrite existing files`;

const OPTIONS = {
  name: { type: 'string' },
  auth: { type: 'string' },
  category: { type: 'string' },
  host: { type: 'string' },
  color: { type: 'string' },
  dir: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A steady colour for a key, dark enough for white text (HSL lightness 35 %). */
function keyColour(key: string): string {
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    const a = 0.55 * Math.min(0.35, 0.65);
    return Math.round(255 * (0.35 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The logo: the name's first letter in white on a rounded square of the brand colour. */
export function letterMark(name: string, colour: string): string {
  const letter = (name.trim()[0] ?? '?').toUpperCase().replace(/[<>&"']/g, '?');
  const title = name.replace(/[<>&"']/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><title>${title}</title><rect width="64" height="64" rx="14" fill="${colour}"/><text x="32" y="43" text-anchor="middle" font-family="system-ui, sans-serif" font-size="32" font-weight="700" fill="#fff">${letter}</text></svg>\n`;
}

function oauth2Auth(host: string) {
  return {
    type: 'oauth2',
    client_from: 'setup',
    authorization_url: `https://${host}/oauth/authorize`,
    token_url: `https://${host}/oauth/token`,
    scopes: { from: 'setup', field: 'scopes', default: '' },
    pkce: { supported: true, default: true },
    token_auth: 'client_secret_post',
  };
}

/** The connector file `new` writes: every required key, placeholder facts marked for the author. */
export function scaffold(opts: {
  key: string;
  name: string;
  auth: 'oauth2' | 'api_key';
  category: string;
  host: string;
}) {
  const oauth = opts.auth === 'oauth2';
  return {
    $schema: `./${SCHEMA_FILE}`,
    key: opts.key,
    name: opts.name,
    version: '0.1.0',
    description: `${opts.name}: replace with one line on what the connector reaches.`,
    categories: [opts.category],
    logo: `logos/${opts.key}.svg`,
    auth: oauth ? oauth2Auth(opts.host) : { type: 'api_key' },
    environments: [{ key: 'production', label: 'Production' }],
    ...(oauth
      ? {
          setup_fields: [
            { key: 'client_id', label: 'Client ID', type: 'text', required: true },
            { key: 'client_secret', label: 'Client Secret', type: 'password', required: true, secret: true },
            { key: 'scopes', label: 'Scopes', type: 'text', description: 'Space-separated.' },
          ],
        }
      : {
          config_fields: [
            {
              key: 'api_key',
              label: 'API key',
              type: 'password',
              required: true,
              secret: true,
              description: `Where to create it in ${opts.name}, in plain words.`,
            },
          ],
        }),
    base_url: `https://${opts.host}`,
    hosts: [opts.host],
    inject: {
      headers: { authorization: oauth ? 'Bearer ${credentials.access_token}' : 'Bearer ${config.api_key}' },
    },
    test_action: { method: 'GET', path: '/me', description: 'Reads the authorizing user' },
    sources: [],
    guide: {
      description: oauth
        ? `Register an OAuth app in ${opts.name} with the redirect URI {callback_url}, then enter its client ID and secret in this profile.`
        : `Nothing to set up here: each end user enters their own ${opts.name} API key in the Hub.`,
      setup_steps: [],
      end_user: { steps: [] },
    },
    actions: [
      {
        id: `${opts.key}_list_items`,
        label: 'List items',
        description: 'Replace with a documented list endpoint; result.next follows its paging.',
        inputs: [],
        request: { method: 'GET', path: '/items' },
        result: { data: 'data', next: 'next' },
      },
    ],
  };
}

/** Writes the scaffold, the logo and the schema; refuses to overwrite unless `--force`. */
export async function connectorNewCommand(args: string[]): Promise<void> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${NEW_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(NEW_USAGE);
    return;
  }
  const key = positionals[0];
  if (!key || positionals.length > 1) throw new ConfigError(`give one connector key\n\n${NEW_USAGE}`);
  const keyProblem = connectorSchema.shape.key.safeParse(key).error?.issues[0]?.message;
  if (keyProblem) throw new ConfigError(keyProblem);
  const auth = values.auth ?? 'oauth2';
  if (auth !== 'oauth2' && auth !== 'api_key') throw new ConfigError('--auth is oauth2 or api_key');
  const category = values.category ?? 'crm';
  if (!(CATEGORIES as readonly string[]).includes(category))
    throw new ConfigError(`--category is one of ${CATEGORIES.join(', ')}`);
  const host = (values.host ?? `api.${key}.example`).toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(host))
    throw new ConfigError('--host is a host name such as api.example.com');
  const colour = values.color ?? keyColour(key);
  if (!/^#[0-9a-f]{6}$/i.test(colour)) throw new ConfigError('--color is #rrggbb');
  const name = values.name ?? key[0]!.toUpperCase() + key.slice(1);

  const dir = path.resolve(values.dir ?? 'connectors');
  const file = path.join(dir, `${key}.json`);
  const logo = path.join(dir, 'logos', `${key}.svg`);
  for (const f of [file, logo]) {
    const exists = await fs.stat(f).then(
      () => true,
      () => false,
    );
    if (exists && !values.force) throw new ConfigError(`${f} exists (--force overwrites it)`);
  }
  await fs.mkdir(path.dirname(logo), { recursive: true });
  const body = scaffold({ key, name, auth, category, host });
  await fs.writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  await fs.writeFile(logo, letterMark(name, colour));
  if (dir !== BUILTIN_CONNECTORS_DIR)
    await fs.copyFile(path.join(BUILTIN_CONNECTORS_DIR, SCHEMA_FILE), path.join(dir, SCHEMA_FILE));
  try {
    await loadConnectorFile(file);
  } catch (err) {
    // The scaffold is meant to load as written; a failure here is ours, not the author's.
    throw new Error(
      `the scaffold does not load: ${err instanceof ConnectorDefinitionError ? err.message : err}`,
    );
  }
  console.log(
    [
      `wrote ${path.relative(process.cwd(), file) || file}, logos/${key}.svg and ${SCHEMA_FILE}`,
      '',
      'Next:',
      `  1. Replace the placeholder URLs, scopes, test action and action with ${name}'s documented facts,`,
      '     each page under "sources" (docs/connectors.md, "Add a connector in one file").',
      `  2. switchboard connectors validate ${path.relative(process.cwd(), file) || file}`,
      `  3. Run it: SWITCHBOARD_CONNECTORS_DIR=${path.relative(process.cwd(), dir) || '.'} switchboard start`,
    ].join('\n'),
  );
}
