import { z } from 'zod';

/** Every property name the schema declares anywhere, for "did you mean" suggestions. */
function propertyNames(schema: z.ZodType): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const n of node) walk(n);
    else if (node && typeof node === 'object') {
      const { properties } = node as { properties?: Record<string, unknown> };
      if (properties) for (const k of Object.keys(properties)) names.add(k);
      for (const v of Object.values(node)) walk(v);
    }
  };
  walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  return names;
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment),
 * since that is the commonest typo (`feilds`, `lable`).
 */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

const known = new WeakMap<z.ZodType, Set<string>>();

/** The declared key closest to `key`, when it is close enough to be a typo of it. */
export function suggestKey(schema: z.ZodType, key: string): string | undefined {
  let names = known.get(schema);
  if (!names) {
    names = propertyNames(schema);
    known.set(schema, names);
  }
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (d <= Math.max(1, Math.floor(name.length / 4)) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/**
 * One line per problem, each with the path of the value it is about (`auth.scopes.default`), and
 * for an unknown key the declared key it was probably meant to be.
 */
export function describeIssues(schema: z.ZodType, error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const hint = suggestKey(schema, key);
        return `${at === '(top level)' ? key : `${at}.${key}`}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`;
      });
    }
    return [`${at}: ${issue.message}`];
  });
}
