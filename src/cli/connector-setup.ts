// `switchboard connectors setup <key>`: runs the setup helper a connector file declares and
// prints the field values it produced, labelled as the Hub or the profile labels them.
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.js';
import type { Connector } from '../connectors/schema.js';
import { inputEnvName, runSetupHelper, SetupHelperError } from '../connectors/setup-helper.js';

/** The redirect URI a provider app must allow: the OAuth callback of this server. */
const callbackUrl = (publicUrl: string, key: string) =>
  `${publicUrl.replace(/\/+$/, '')}/connect/oauth2/${key}/callback`;

const flag = (inputKey: string) => inputKey.replace(/_/g, '-');

/** The usage text of one connector's helper: its inputs as flags, with defaults and env names. */
export function setupUsage(c: Connector): string {
  const helper = c.setup_helper;
  if (!helper) return `${c.name} has no setup helper.`;
  const lines = helper.inputs.map((i) => {
    const extra = [
      i.required ? 'required' : '',
      i.default !== undefined ? `default ${i.default}` : '',
      i.secret ? `or ${inputEnvName(c.key, i)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `  --${flag(i.key).padEnd(18)} ${i.label}${extra ? ` (${extra})` : ''}`;
  });
  return [
    `Usage: switchboard connectors setup ${c.key} [options]`,
    '',
    helper.title,
    ...(helper.description ? [helper.description] : []),
    '',
    ...lines,
    `  --${'public-url'.padEnd(18)} this server's public URL (default SWITCHBOARD_PUBLIC_URL or http://localhost:3000)`,
  ].join('\n');
}

/** Parses the helper's flags, runs it with the global fetch and prints what it produced. */
export async function connectorSetupCommand(
  c: Connector,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const helper = c.setup_helper;
  if (!helper) throw new ConfigError(`${c.name} has no setup helper`);
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short?: string }> = {
    'public-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const i of helper.inputs) options[flag(i.key)] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${setupUsage(c)}`);
  }
  if (values.help) {
    console.log(setupUsage(c));
    return;
  }
  const given: Record<string, string | undefined> = {};
  for (const i of helper.inputs) {
    const v = values[flag(i.key)];
    given[i.key] = typeof v === 'string' ? v : i.secret ? env[inputEnvName(c.key, i)] : undefined;
  }
  const publicUrl = String(values['public-url'] ?? env.SWITCHBOARD_PUBLIC_URL ?? 'http://localhost:3000');
  let result: Awaited<ReturnType<typeof runSetupHelper>>;
  try {
    result = await runSetupHelper(c, helper, given, { fetch, callbackUrl: callbackUrl(publicUrl, c.key) });
  } catch (err) {
    if (err instanceof SetupHelperError && err.kind === 'input') throw new ConfigError(err.message);
    throw err;
  }
  const fields = helper.fills === 'config' ? c.config_fields : c.setup_fields;
  const labelled = Object.entries(result.values).map(
    ([k, v]) => [`${fields.find((f) => f.key === k)?.label ?? k}:`, v] as const,
  );
  const width = Math.max(...labelled.map(([l]) => l.length));
  console.log(
    [
      `${helper.title}: done (redirect URI ${callbackUrl(publicUrl, c.key)}).`,
      '',
      ...labelled.map(([l, v]) => `  ${l.padEnd(width)} ${v}`),
      ...(result.nextSteps.length ? ['', ...result.nextSteps] : []),
    ].join('\n'),
  );
}
