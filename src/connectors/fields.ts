import type { Field } from './schema.js';

const FORMATS: Record<NonNullable<Field['format']>, { pattern: RegExp; html: string; message: string }> = {
  dns_label: {
    pattern: /^[a-z0-9][a-z0-9-]{0,62}$/i,
    html: '^[A-Za-z0-9][A-Za-z0-9\\-]{0,62}$',
    message: 'letters, digits and hyphens only (no dots, slashes or spaces)',
  },
  email: {
    pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
    html: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    message: 'must be an email address',
  },
  url: {
    pattern: /^https?:\/\/[^\s]+$/,
    html: '^https?://[^\\s]+$',
    message: 'must be an http(s) URL',
  },
};

/** The html-pattern the Hub uses for a field (same rule as the server's). */
export function htmlPattern(field: Field): { pattern: string; error: string } | undefined {
  if (field.pattern)
    return { pattern: field.pattern, error: field.pattern_message ?? `${field.label} has the wrong format` };
  if (field.format) {
    const f = FORMATS[field.format];
    return { pattern: f.html, error: field.pattern_message ?? `${field.label}: ${f.message}` };
  }
  return undefined;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Validates values against field definitions. Unknown keys are refused (they would be stored
 * and possibly templated into URLs); values are trimmed strings.
 * @param existing values already stored: a required field present there may be omitted (edit mode).
 */
export function validateFields(
  fields: Field[],
  input: Record<string, unknown>,
  existing: Record<string, string> = {},
): { values: Record<string, string>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: Record<string, string> = {};
  const known = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) problems.push({ field: key, message: `unknown field "${key}"` });
  }
  for (const field of fields) {
    const raw = input[field.key];
    if (raw === undefined || raw === null || raw === '') {
      if (existing[field.key] !== undefined) continue;
      if (field.required) problems.push({ field: field.key, message: `${field.label} is required` });
      else if (field.default !== undefined) values[field.key] = field.default;
      continue;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      problems.push({ field: field.key, message: `${field.label} must be a string` });
      continue;
    }
    const value = String(raw).trim();
    if (value.length > field.max_length) {
      problems.push({
        field: field.key,
        message: `${field.label} is longer than ${field.max_length} characters`,
      });
      continue;
    }
    if (field.type === 'number' && !/^\d+$/.test(value)) {
      problems.push({ field: field.key, message: `${field.label} must be a number` });
      continue;
    }
    if (field.type === 'select' && field.options && !field.options.some((o) => o.value === value)) {
      problems.push({
        field: field.key,
        message: `${field.label} must be one of ${field.options.map((o) => o.value).join(', ')}`,
      });
      continue;
    }
    if (field.format && !FORMATS[field.format].pattern.test(value)) {
      problems.push({
        field: field.key,
        message: field.pattern_message ?? `${field.label}: ${FORMATS[field.format].message}`,
      });
      continue;
    }
    if (field.pattern && !new RegExp(field.pattern).test(value)) {
      problems.push({
        field: field.key,
        message: field.pattern_message ?? `${field.label} has the wrong format`,
      });
      continue;
    }
    values[field.key] = value;
  }
  return { values, problems };
}

/** A field whose value is sealed and shown redacted: marked secret, or a password input. */
export const isSecretField = (f: Field): boolean => f.secret || f.type === 'password';

/** Splits values into the non-secret part (stored readable) and the secret part (sealed). */
export function splitSecrets(fields: Field[], values: Record<string, string>) {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  const secretKeys = new Set(fields.filter(isSecretField).map((f) => f.key));
  for (const [k, v] of Object.entries(values)) (secretKeys.has(k) ? secret : plain)[k] = v;
  return { plain, secret };
}
