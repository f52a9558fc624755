// A connector's setup helper: a short, declared sequence of provider calls that produces the
// values a connector's fields need (Kustomer: register a private OAuth app, then generate its
// client id and secret). It lives in the connector file, so a provider's set-up chores need no
// provider-specific command; `switchboard connectors setup <key>` runs it.
import { z } from 'zod';
import { jsonPathSchema } from './json-path.js';
import { hostMatches } from './hosts.js';
import { placeholders } from './templating.js';

const helperInputSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'input keys are snake_case'),
  label: z.string().min(1).describe('What the input is, as the person running the helper reads it.'),
  description: z.string().optional().describe('One line of help: where to find the value.'),
  required: z.boolean().default(false),
  secret: z
    .boolean()
    .default(false)
    .describe('Never printed; may also come from the environment variable KEY_INPUT (upper case).'),
  default: z.string().optional(),
  pattern: z.string().optional().describe('A regular expression the whole value must match.'),
  pattern_message: z.string().optional().describe('What to say when the value does not match the pattern.'),
});
export type SetupHelperInput = z.infer<typeof helperInputSchema>;

const helperRequestSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  url: z
    .string()
    .startsWith('https://')
    .describe(
      'An https URL on a host the connector owns, with a literal host; `${input.x}` and `${step.x}` in its path are percent-encoded.',
    ),
  headers: z.record(z.string(), z.string()).default({}),
  body: z
    .unknown()
    .optional()
    .describe(
      'A JSON body; string leaves are templates (`${input.x}`, `${step.x}`, `${server.callback_url}`).',
    ),
  keep: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/), jsonPathSchema)
    .default({})
    .describe(
      'Values to keep from the JSON answer, by name → path; later templates name them `${step.name}`.',
    ),
});

export const setupHelperSchema = z
  .strictObject({
    title: z.string().min(1).describe('What the helper does, e.g. "Register a private Kustomer OAuth app".'),
    description: z.string().default(''),
    fills: z
      .enum(['config', 'setup'])
      .describe(
        'Whose fields the results are: the end user’s Hub fields (`config`) or the connector profile’s (`setup`).',
      ),
    inputs: z.array(helperInputSchema).default([]),
    requests: z.array(helperRequestSchema).min(1).max(10),
    error_message_path: jsonPathSchema
      .optional()
      .describe(
        "Where a refusal's words are (every match is joined); default: the connector's error_message_paths.",
      ),
    outputs: z
      .record(z.string(), z.string())
      .describe('Field key → template of its value, e.g. `{"client_id": "${step.client_id}"}`.'),
    next_steps: z
      .array(z.string())
      .default([])
      .describe('What to do afterwards, printed after the results; templates may name inputs.'),
  })
  .describe(
    'A declared sequence of provider calls that produces field values (`switchboard connectors setup <key>`).',
  );
export type SetupHelper = z.infer<typeof setupHelperSchema>;

/** Templates of a JSON body's string leaves. */
export function bodyStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(bodyStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(bodyStrings);
  return [];
}

/**
 * What the schema cannot check about a setup helper: each URL's host is literal and owned by the
 * connector, templates name declared inputs and earlier steps, outputs name the fields it fills.
 */
export function setupHelperProblem(
  helper: SetupHelper,
  connector: { hosts: string[]; config_fields: Array<{ key: string }>; setup_fields: Array<{ key: string }> },
): string | null {
  const inputs = new Set(helper.inputs.map((i) => i.key));
  const steps = new Set<string>();
  const known = (template: string, where: string): string | null => {
    for (const name of placeholders(template)) {
      const [scope, key] = name.split('.') as [string, string];
      const ok =
        (scope === 'input' && inputs.has(key)) ||
        (scope === 'step' && steps.has(key)) ||
        (scope === 'server' && key === 'callback_url');
      if (!ok) return `setup_helper.${where}: template names unknown value \${${name}}`;
    }
    return null;
  };
  for (const [i, r] of helper.requests.entries()) {
    const host = /^https:\/\/([^/?#:]+)[/?#]?/.exec(r.url)?.[1] ?? '';
    if (host.includes('${') || !host) return `setup_helper.requests.${i}.url: the host must be written out`;
    if (!connector.hosts.some((p) => hostMatches(host, p)))
      return `setup_helper.requests.${i}.url: ${host} is not a host the connector owns`;
    for (const t of [r.url, ...Object.values(r.headers), ...bodyStrings(r.body)]) {
      const problem = known(t, `requests.${i}`);
      if (problem) return problem;
    }
    for (const k of Object.keys(r.keep)) steps.add(k);
  }
  const fields = new Set(
    (helper.fills === 'config' ? connector.config_fields : connector.setup_fields).map((f) => f.key),
  );
  for (const [key, template] of Object.entries(helper.outputs)) {
    if (!fields.has(key))
      return `setup_helper.outputs.${key}: the connector has no ${helper.fills} field ${key}`;
    const problem = known(template, `outputs.${key}`);
    if (problem) return problem;
  }
  for (const [i, t] of helper.next_steps.entries()) {
    const problem = known(t, `next_steps.${i}`);
    if (problem) return problem;
  }
  return null;
}
