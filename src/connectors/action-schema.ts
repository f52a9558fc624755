import { z } from 'zod';
import { placeholders } from './templating.js';
import { jsonPathSchema } from './json-path.js';

/**
 * An action's typed input. Inputs are one flat set of named values: `/actions/rpc` merges the
 * caller's `path`, `query` and `body` objects into it, MCP passes the tool arguments as they are.
 */
export const actionInputSchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'input keys are snake_case')
      .describe('The input name; templates use it as `${input.key}`.'),
    type: z.enum(['string', 'integer', 'number', 'boolean']),
    description: z
      .string()
      .default('')
      .describe('What the value is, for the developer or agent calling the action.'),
    required: z.boolean().default(false),
    default: z
      .union([z.string(), z.number(), z.boolean()])
      .optional()
      .describe('Used when the input is not given.'),
    enum: z.array(z.string()).min(1).optional().describe('The allowed values of a string input.'),
    pattern: z.string().optional().describe('A regular expression a string input must match.'),
    max_length: z.number().int().positive().default(1024).describe('The longest string input accepted.'),
    minimum: z.number().optional().describe('The smallest number accepted.'),
    maximum: z.number().optional().describe('The largest number accepted.'),
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
    base_url: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The action's own base URL, for an API on another host of the provider (Google's Gmail at `https://gmail.googleapis.com`): a URL template like `base_url`, on a host the connector owns, never changed by a profile override. Default: the connector's `base_url`.",
      ),
    path: z
      .string()
      .startsWith('/')
      .describe(
        "A path under `base_url` (or the action's own `base_url`); `${input.x}` values are percent-encoded, e.g. `/v1/contacts/${input.id}`.",
      ),
    query: z
      .record(z.string(), z.string())
      .default({})
      .describe('Query parameters, templates; an entry whose optional inputs are absent is left out.'),
    body: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'A body; a string leaf that is exactly `${input.x}` becomes the typed input value (left out when absent); a nested object left empty that way is left out too.',
      ),
    body_format: z
      .enum(['json', 'form'])
      .default('json')
      .describe(
        "How `body` is sent: `json` (the default) or `form`, application/x-www-form-urlencoded with nested objects as `a[b]=c` and arrays as `a[0]=c`, for APIs such as Stripe's that take form-encoded bodies.",
      ),
  })
  .strict();

/** A key of the request body, dotted when nested: `after`, `variables.after`. */
const bodyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a body key is dotted names: variables.after')
  .describe(
    'Where the paging value goes in the request body (POST, PUT or PATCH), dotted when nested: `cursor`, or `variables.after` for GraphQL. Give this, `param` or `input`.',
  );
const paramSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.\-[\]]+$/, 'a query parameter name')
  .max(100)
  .describe(
    'The query parameter the paging value is sent in, e.g. `cursor`, `page`. Give this, `body_key` or `input`.',
  );
const pagingInputSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'an input key')
  .describe(
    "The input the paging value becomes, for a provider that takes it inside a text the request's templates build (QuickBooks' `STARTPOSITION ${input.start_position}` in its query). Give this, `param` or `body_key`.",
  );
const hasMoreSchema = jsonPathSchema.describe(
  'Path of a boolean in the response body; paging stops when it is false, e.g. `has_more`.',
);
const pageSizeSchema = z
  .union([z.number().int().positive(), z.string().regex(/^[a-z][a-z0-9_]*$/)])
  .describe(
    'The number of items a full page holds, or the key of the integer input that sets it (its value or default is used); a page with fewer items is the last. Without it, only an empty page (or `has_more`) ends paging.',
  );

const nextUrlSchema = z
  .object({
    type: z.literal('url').describe('The next page is a URL in the response body, fetched with GET.'),
    path: jsonPathSchema.describe(
      "Path of the next page's URL in the body: `links.next`, `$['@odata.nextLink']`. The URL must be on the base URL's origin or another HTTPS host the connector owns.",
    ),
  })
  .strict()
  .describe('Next-page URL in the response body (the same as giving `next` as a path string).');
const nextLinkHeaderSchema = z
  .object({
    type: z
      .literal('link_header')
      .describe('The next page is the `rel="next"` URL of the `Link` response header (RFC 8288).'),
  })
  .strict()
  .describe(
    "Next-page URL in the `Link` header, as GitHub-style APIs send it; it must be on the provider's host.",
  );
const nextCursorSchema = z
  .object({
    type: z.literal('cursor').describe('A token in the response body is sent back on the same request.'),
    path: jsonPathSchema.describe(
      'Path of the next cursor in the body, e.g. `response_metadata.next_cursor`; paging stops when it is absent or empty.',
    ),
    param: paramSchema.optional(),
    body_key: bodyKeySchema.optional(),
    input: pagingInputSchema.optional(),
    has_more: hasMoreSchema.optional(),
  })
  .strict()
  .describe('Cursor paging: `{"type": "cursor", "path": "next_cursor", "param": "cursor"}`.');
const nextPageSchema = z
  .object({
    type: z.literal('page').describe('A page counter, increased by one per page.'),
    param: paramSchema.optional(),
    body_key: bodyKeySchema.optional(),
    input: pagingInputSchema.optional(),
    start: z.number().int().min(0).default(1).describe('The number of the first page (default 1).'),
    page_size: pageSizeSchema.optional(),
    has_more: hasMoreSchema.optional(),
  })
  .strict()
  .describe('Page-number paging: `{"type": "page", "param": "page", "page_size": "per_page"}`.');
const nextOffsetSchema = z
  .object({
    type: z.literal('offset').describe('An offset, increased by the number of items each page holds.'),
    param: paramSchema.optional(),
    body_key: bodyKeySchema.optional(),
    input: pagingInputSchema.optional(),
    start: z.number().int().min(0).default(0).describe('The offset of the first page (default 0).'),
    page_size: pageSizeSchema.optional(),
    has_more: hasMoreSchema.optional(),
  })
  .strict()
  .describe('Offset paging: `{"type": "offset", "param": "offset", "page_size": "limit"}`.');
const nextLastItemSchema = z
  .object({
    type: z
      .literal('last_item')
      .describe('The cursor is a value of the last item of the page, such as its id.'),
    item_path: jsonPathSchema.describe('Path of the value in the last item of `data`, e.g. `id`.'),
    param: paramSchema.optional(),
    body_key: bodyKeySchema.optional(),
    input: pagingInputSchema.optional(),
    has_more: hasMoreSchema.optional(),
  })
  .strict()
  .describe(
    'Last-item paging: `{"type": "last_item", "item_path": "id", "param": "starting_after", "has_more": "has_more"}`; stops on an empty page.',
  );

/** How an action pages, when `result.next` is an object. */
export const pagingSchema = z.discriminatedUnion('type', [
  nextUrlSchema,
  nextLinkHeaderSchema,
  nextCursorSchema,
  nextPageSchema,
  nextOffsetSchema,
  nextLastItemSchema,
]);
export type Paging = z.infer<typeof pagingSchema>;

/**
 * How a provider response becomes `{data, next}`. Paths are JSONPath (`$['@odata.nextLink']`) or
 * dot paths (`links.next`, `_links.next.href`); an empty `data` path means the whole body. With `next`, the action pages:
 * what the next page needs (its URL, or the cursor, page or offset to send) is handed to the caller
 * as an opaque sealed cursor.
 */
const actionResultSchema = z
  .object({
    data: jsonPathSchema
      .default('')
      .describe('Where the records are in the answer (JSONPath or dot path); empty: the whole body.'),
    next: z
      .union([jsonPathSchema, pagingSchema], {
        error: 'a path, or an object whose type is url, link_header, cursor, page, offset or last_item',
      })
      .optional()
      .describe(
        'How the action pages: a path of the next-page URL in the body (`links.next`), or an object with a `type`: `url`, `link_header`, `cursor`, `page`, `offset` or `last_item`. The caller gets an opaque `next` cursor to pass back.',
      ),
    fields: z
      .record(z.string(), jsonPathSchema)
      .optional()
      .describe('Per record: output key → path in the record; the key `*` spreads the object at its path.'),
  })
  .strict();

export const actionSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'action ids are snake_case')
      .describe('`<connector key>_<verb>_<thing>`, e.g. `hubspot_list_contacts`; also the MCP tool name.'),
    label: z.string().min(1).describe('A short title, e.g. "List contacts".'),
    description: z
      .string()
      .default('')
      .describe('What the action does and returns, for developers and agents.'),
    tags: z.array(z.string()).default([]).describe('Words that help search find the action.'),
    inputs: z.array(actionInputSchema).default([]).describe('The typed, bounded inputs.'),
    request: actionRequestSchema.describe('The provider request the action makes.'),
    result: actionResultSchema.default({ data: '' }).describe('How the answer becomes `{data, next}`.'),
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

/** Whether a dotted key is set in a body template (or one of its parents is a non-object). */
function bodyKeyTaken(body: Record<string, unknown> | undefined, key: string): boolean {
  let node: unknown = body;
  for (const seg of key.split('.')) {
    if (node === undefined) return false;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return true;
    node = (node as Record<string, unknown>)[seg];
  }
  return node !== undefined;
}

/** A paging object that cannot work: where its value goes, and what it would collide with. */
function pagingProblem(a: Action, inputs: Map<string, ActionInput>): string | null {
  const next = a.result.next;
  if (next === undefined || typeof next === 'string' || next.type === 'url' || next.type === 'link_header')
    return null;
  const places = [next.param, next.body_key, next.input].filter((v) => v !== undefined).length;
  if (places !== 1) return `result.next (${next.type}) needs exactly one of param, body_key or input`;
  if (next.input !== undefined) {
    const input = inputs.get(next.input);
    if (!input) return `result.next.input names unknown input ${next.input}`;
    if (input.required) return `result.next.input ${next.input} is required; paging sets it`;
    const used = [a.request.path, ...Object.values(a.request.query), JSON.stringify(a.request.body ?? {})];
    if (!used.some((t) => t.includes(`\${input.${next.input}}`)))
      return `result.next.input ${next.input} is in no template of the request`;
  }
  if (next.param !== undefined) {
    if (inputs.has(next.param))
      return `result.next.param "${next.param}" is also an input key; paging sets it`;
    if (next.param in a.request.query)
      return `result.next.param "${next.param}" is also in request.query; paging sets it`;
  }
  if (next.body_key !== undefined) {
    if (a.request.method === 'GET' || a.request.method === 'DELETE')
      return `result.next.body_key needs a request with a body (POST, PUT or PATCH), not ${a.request.method}`;
    if (bodyKeyTaken(a.request.body, next.body_key))
      return `result.next.body_key "${next.body_key}" is already set in request.body`;
  }
  if ((next.type === 'page' || next.type === 'offset') && typeof next.page_size === 'string') {
    const size = inputs.get(next.page_size);
    if (!size) return `result.next.page_size names unknown input ${next.page_size}`;
    if (size.type !== 'integer') return `result.next.page_size input ${next.page_size} is not an integer`;
  }
  return null;
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
    const paging = pagingProblem(a, inputs);
    if (paging) return `action ${a.id}: ${paging}`;
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
