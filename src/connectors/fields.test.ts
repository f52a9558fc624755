import { describe, expect, it } from 'vitest';
import { htmlPattern, validateFields } from './fields.js';
import { fieldSchema, type Field } from './schema.js';

const field = (f: Record<string, unknown>): Field => fieldSchema.parse({ type: 'text', ...f });

const fields = [
  field({ key: 'org', label: 'Organization', required: true, format: 'dns_label' }),
  field({ key: 'email', label: 'Email', format: 'email' }),
  field({
    key: 'region',
    label: 'Region',
    type: 'select',
    options: [
      { value: 'eu', label: 'EU' },
      { value: 'us', label: 'US' },
    ],
    default: 'eu',
  }),
  field({ key: 'port', label: 'Port', type: 'number', max_length: 5 }),
  field({ key: 'code', label: 'Code', pattern: '^[A-Z]{3}$', pattern_message: 'Code: three capitals' }),
];

describe('validateFields', () => {
  it('trims values, fills defaults and keeps numbers as strings', () => {
    expect(validateFields(fields, { org: '  acme ', port: 5432, code: 'ABC' })).toEqual({
      values: { org: 'acme', region: 'eu', port: '5432', code: 'ABC' },
      problems: [],
    });
  });

  it('names every problem by field', () => {
    const { problems } = validateFields(fields, {
      extra: 'x',
      email: 'not-an-email',
      region: 'mars',
      port: '123456',
      code: 'abc',
    });
    expect(problems).toEqual([
      { field: 'extra', message: 'unknown field "extra"' },
      { field: 'org', message: 'Organization is required' },
      { field: 'email', message: 'Email: must be an email address' },
      { field: 'region', message: 'Region must be one of eu, us' },
      { field: 'port', message: 'Port is longer than 5 characters' },
      { field: 'code', message: 'Code: three capitals' },
    ]);
  });

  it('refuses a DNS label that could change a host, and values that are not strings', () => {
    for (const org of ['acme.evil.com', 'acme/x', 'ac me', '-acme'])
      expect(validateFields(fields, { org }).problems.map((p) => p.field)).toEqual(['org']);
    expect(validateFields(fields, { org: { a: 1 } }).problems).toEqual([
      { field: 'org', message: 'Organization must be a string' },
    ]);
    expect(validateFields(fields, { org: 'acme', port: '12a' }).problems).toEqual([
      { field: 'port', message: 'Port must be a number' },
    ]);
  });

  it('lets an edit omit a required field that is already stored', () => {
    expect(validateFields(fields, {}, { org: 'acme' }).problems).toEqual([]);
  });
});

describe('htmlPattern', () => {
  it('is the same rule as the server, with its message', () => {
    expect(htmlPattern(fields[0]!)).toEqual({
      pattern: '^[A-Za-z0-9][A-Za-z0-9\\-]{0,62}$',
      error: 'Organization: letters, digits and hyphens only (no dots, slashes or spaces)',
    });
    expect(htmlPattern(fields[4]!)).toEqual({ pattern: '^[A-Z]{3}$', error: 'Code: three capitals' });
    expect(htmlPattern(fields[2]!)).toBeUndefined();
  });
});
