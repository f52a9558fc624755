import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError } from '../config/config.js';

export const KUSTOMER_USAGE = `Usage: switchboard kustomer register-app --api-key <key> --org <organization> [options]

Registers a private Kustomer OAuth app for Switchboard and generates its client secret
(Kustomer's app platform: POST /v1/apps/available, then POST /v1/apps/available/{app}/secret/).

  --api-key <key>      Kustomer API key with the org.admin.apps and org.permission.apps roles
                       (or KUSTOMER_API_KEY)
  --org <name>         your organization name (the subdomain of https://<org>.kustomerapp.com)
  --app <name>         app id, lowercase letters and digits     default switchboard
  --title <text>       title shown on Kustomer's consent screen default Switchboard
  --app-version <v>    semver version of the app definition     default 1.0.0
  --public-url <url>   this Switchboard's public URL            default SWITCHBOARD_PUBLIC_URL or http://localhost:3000
  --api-url <url>      Kustomer apps API                        default https://api.kustomerapp.com`;

const appAttributes = z.object({
  data: z
    .object({
      id: z.string().optional(),
      attributes: z
        .object({
          name: z.string().optional(),
          clientId: z.string().optional(),
          clientSecret: z.string().optional(),
        })
        .loose(),
    })
    .loose(),
});

async function post(url: string, apiKey: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) {
    let said = text.slice(0, 300);
    try {
      const j = JSON.parse(text) as { errors?: Array<{ title?: string; detail?: string }> };
      said =
        j.errors
          ?.map((e) => e.detail ?? e.title)
          .filter(Boolean)
          .join('; ') || said;
    } catch {
      // not JSON: keep the excerpt
    }
    throw new Error(`Kustomer answered ${res.status} to POST ${new URL(url).pathname}: ${said}`);
  }
  const parsed = appAttributes.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`unexpected answer from POST ${new URL(url).pathname}`);
  return parsed.data.data;
}

/** `switchboard kustomer register-app`: seed 001's app registration and secret generation. */
export async function kustomerCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'register-app') {
    console.log(KUSTOMER_USAGE);
    if (sub && sub !== 'help' && sub !== '--help') throw new ConfigError(`unknown kustomer command "${sub}"`);
    return;
  }
  const values = parseRegisterArgs(rest);
  if (values.help) {
    console.log(KUSTOMER_USAGE);
    return;
  }
  const apiKey = values['api-key'] ?? env.KUSTOMER_API_KEY;
  if (!apiKey) throw new ConfigError('--api-key (or KUSTOMER_API_KEY) is required');
  const org = values.org;
  if (!org || !/^[a-z0-9][a-z0-9-]{0,62}$/i.test(org))
    throw new ConfigError('--org must be your Kustomer organization name, e.g. mycompany');
  const app = values.app ?? 'switchboard';
  if (!/^[a-z][a-z0-9]{1,39}$/.test(app)) throw new ConfigError('--app must be lowercase letters and digits');
  const version = values['app-version'] ?? '1.0.0';
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new ConfigError('--app-version must be semver, e.g. 1.0.0');
  const publicUrl = (values['public-url'] ?? env.SWITCHBOARD_PUBLIC_URL ?? 'http://localhost:3000').replace(
    /\/+$/,
    '',
  );
  const apiUrl = (values['api-url'] ?? 'https://api.kustomerapp.com').replace(/\/+$/, '');
  const redirectUri = `${publicUrl}/connect/oauth2/kustomer/callback`;

  const registered = await post(`${apiUrl}/v1/apps/available`, apiKey, {
    app,
    version,
    title: values.title ?? 'Switchboard',
    visibility: 'private',
    redirectUris: [redirectUri],
  });
  // Private app names come back namespaced with the org id: `<app>_<orgId>`.
  const name = registered.attributes.name ?? registered.id?.replace(/-\d+\.\d+\.\d+$/, '');
  if (!name) throw new Error('Kustomer did not return the registered app name');
  const secret = await post(`${apiUrl}/v1/apps/available/${encodeURIComponent(name)}/secret/`, apiKey, {});
  const clientId = secret.attributes.clientId ?? registered.attributes.clientId;
  const clientSecret = secret.attributes.clientSecret;
  if (!clientId || !clientSecret) throw new Error('Kustomer did not return a client ID and secret');
  console.log(
    [
      `Registered private Kustomer app ${name} (redirect URI ${redirectUri}).`,
      '',
      `  Client ID:     ${clientId}`,
      `  Client Secret: ${clientSecret}`,
      '',
      `Before connecting: install the app in your organization from the App Directory`,
      `(https://${org}.kustomerapp.com › Settings › Apps), or Kustomer answers "Invalid Client".`,
      `Then enter the Client ID, Client Secret and organization name "${org}" in the Hub.`,
    ].join('\n'),
  );
}

const REGISTER_OPTIONS = {
  'api-key': { type: 'string' },
  org: { type: 'string' },
  app: { type: 'string' },
  title: { type: 'string' },
  'app-version': { type: 'string' },
  'public-url': { type: 'string' },
  'api-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseRegisterArgs(args: string[]) {
  try {
    return parseArgs({ args, options: REGISTER_OPTIONS, strict: true }).values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
