// Paths into provider JSON: the records of a page, the next-page link, a kept token field, an
// error message. A path is JSONPath (RFC 9535, through json-p3: no code runs, filters included) when it starts with
// `$`, for example `$['@odata.nextLink']` or `$.authed_user.id`; the older dot form (`links.next`,
// `0.message`, or empty for the whole value) is still read and means the same as its JSONPath.
import { jsonpath, type JSONPathQuery, type JSONValue } from 'json-p3';
import { z } from 'zod';

/** The JSONPath of a dot path: `links.next` → `$['links']['next']`, `0.message` → `$[0]['message']`. */
export function toJsonPath(path: string): string {
  if (path.startsWith('$')) return path;
  if (path === '') return '$';
  return `$${path
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `[${JSON.stringify(seg).replace(/^"|"$/g, "'")}]`))
    .join('')}`;
}

const compiled = new Map<string, JSONPathQuery>();

function query(path: string): JSONPathQuery {
  let q = compiled.get(path);
  if (!q) {
    q = jsonpath.compile(toJsonPath(path));
    // Connector files hold a bounded set of paths; the cache cannot grow past them by much.
    if (compiled.size < 10_000) compiled.set(path, q);
  }
  return q;
}

/** Every value a path selects, in document order (an empty list when it selects nothing). */
export function selectAll(value: unknown, path: string): unknown[] {
  if (path === '' || path === '$') return [value];
  if (value === null || typeof value !== 'object') return [];
  return query(path)
    .query(value as JSONValue)
    .values();
}

/** The first value a path selects, or undefined. */
export function pick(value: unknown, path: string): unknown {
  if (path === '' || path === '$') return value;
  return selectAll(value, path)[0];
}

/** Why a path cannot be read, or null: checked when a connector file loads. */
export function pathProblem(path: string): string | null {
  if (!path.startsWith('$')) return /^[^.]+(\.[^.]+)*$|^$/.test(path) ? null : `"${path}" is not a dot path`;
  try {
    jsonpath.compile(path);
    return null;
  } catch (err) {
    return `"${path}" is not a JSONPath: ${(err as Error).message}`;
  }
}

/** A path in a connector file: JSONPath (`$…`) or a dot path. */
export const jsonPathSchema = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
