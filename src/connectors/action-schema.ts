import { z } from 'zod';
import { placeholders } from './templating.js';
import { jsonPathSchema } from './json-path.js';

/**
 * An action's typed input. Inputs are one flat set of named values: `/actions/rpc` merges the
 * caller's `path`, `query` and `body` objects into it, MCP passes the tool arguments as they are.
 */
export const actionInputSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'input keys are snake_case'),
    type: z.enum(['string', 'integer', 'number', 'boolean']),
    description: z.string().default(''),
    required: z.boolean().default(false),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    enum: z.array(z.string()).min(1).optional(),
    pattern: z.string().optional(),
    max_length: z.number().int().positive().default(1024),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
  })
  .strict();
export type ActionInput = z.infer<typeof actionInputSchema>;

/**
 * The provider request an action makes. `${input.x}` placeholders take input values (path values
 * are percent-encoded; a query entry whose inputs are absent is left out); `${config.x}`,
 * `${setup.x}` and `${env.x}` work as in the connector's other templates.
 */
const actionRequestSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    path: z.string().startsWith('/'),
    query: z.record(z.string(), z.string()).default({}),
    /** A JSON body; a string leaf that is exactly `${input.x}` becomes the typed input value. */
    body: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/**
 * How a provider response becomes `{data, next}`. Paths are JSONPath (`$['@odata.nextLink']`) or
 * dot paths (`links.next`, `_links.next.href`); an empty `data` path means the whole body. With `next`, the action pages:
 * the provider's next-page URL is handed to the caller as an opaque cursor.
 */
const actionResultSchema = z
  .object({
    data: jsonPathSchema.default(''),
    next: jsonPathSchema.optional(),
    /** Per record: output key → path in the record; the key `*` spreads the object at its path. */
    fields: z.record(z.string(), jsonPathSchema).optional(),
  })
  .strict();

export const actionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'action ids are snake_case'),
    label: z.string().min(1),
    description: z.string().default(''),
    tags: z.array(z.string()).default([]),
    inputs: z.array(actionInputSchema).default([]),
    request: actionRequestSchema,
    result: actionResultSchema.default({ data: '' }),
  })
  .strict();
export type Action = z.infer<typeof actionSchema>;

/** The cursor input every paging action accepts. */
export const NEXT_INPUT = 'next';

function bodyTemplates(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(bodyTemplates);
  if (value && typeof value === 'object') return Object.values(value).flatMap(bodyTemplates);
  return [];
}

/**
 * What the schema cannot check: ids are unique and prefixed with the connector key, templates
 * name declared inputs (path placeholders only required or defaulted ones), credentials never
 * appear in an action template (they would end up in URLs and logs).
 * Returns a problem, or null.
 */
export function actionProblem(connectorKey: string, actions: Action[], known: Set<string>): string | null {
  const ids = new Set<string>();
  for (const a of actions) {
    if (!a.id.startsWith(`${connectorKey}_`)) return `action ${a.id} must start with "${connectorKey}_"`;
    if (ids.has(a.id)) return `duplicate action id ${a.id}`;
    ids.add(a.id);
    const inputs = new Map(a.inputs.map((i) => [i.key, i]));
    if (inputs.size !== a.inputs.length) return `action ${a.id}: duplicate input keys`;
    if (a.result.next && inputs.has(NEXT_INPUT))
      return `action ${a.id}: the input "${NEXT_INPUT}" is reserved for paging`;
    for (const i of a.inputs) {
      if (i.enum && i.type !== 'string')
        return `action ${a.id}: input ${i.key} has an enum but is not a string`;
      if (i.pattern) {
        try {
          new RegExp(i.pattern, 'u');
        } catch {
          return `action ${a.id}: input ${i.key} has an invalid pattern`;
        }
      }
    }
    const templates = [a.request.path, ...Object.values(a.request.query), ...bodyTemplates(a.request.body)];
    for (const t of templates) {
      for (const name of placeholders(t)) {
        const [scope, key] = name.split('.') as [string, string];
        if (scope === 'input') {
          const input = inputs.get(key);
          if (!input) return `action ${a.id}: template names unknown input \${${name}}`;
          if (t === a.request.path && !input.required && input.default === undefined) {
            return `action ${a.id}: path input ${key} must be required or have a default`;
          }
        } else if (scope === 'credentials') {
          return `action ${a.id}: templates may not use credentials (\${${name}})`;
        } else if (!known.has(name)) {
          return `action ${a.id}: template names unknown value \${${name}}`;
        }
      }
    }
  }
  return null;
}
