import { z } from 'zod';
import { NEXT_INPUT, type Action, type ActionInput } from '../../connectors/action-schema.js';
import { invalidInput } from '../errors.js';

export type InputValue = string | number | boolean;
export type InputValues = Record<string, InputValue>;

const MAX_CURSOR = 4096;

/** The `next` input a paging action accepts besides its declared inputs. */
function inputsOf(action: Action): ActionInput[] {
  if (!action.result.next) return action.inputs;
  const next: ActionInput = {
    key: NEXT_INPUT,
    type: 'string',
    description: "Cursor from the previous page's `next`. Other inputs are ignored when it is given.",
    required: false,
    max_length: MAX_CURSOR,
  };
  return [...action.inputs, next];
}

/**
 * Numbers and booleans arrive as strings from query-string-minded callers ("10", "true");
 * they are accepted when they read unambiguously as the declared type.
 */
function fromString(type: ActionInput['type'], v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}

function zodFor(input: ActionInput): z.ZodType<InputValue> {
  let base: z.ZodType<InputValue>;
  if (input.type === 'string') {
    let s = z.string().max(input.max_length);
    if (input.pattern) s = s.regex(new RegExp(input.pattern, 'u'), `must match ${input.pattern}`);
    base = input.enum
      ? s.refine((v) => input.enum!.includes(v), `must be one of ${input.enum.join(', ')}`)
      : s;
  } else if (input.type === 'boolean') {
    base = z.boolean();
  } else {
    let n = input.type === 'integer' ? z.number().int() : z.number();
    if (input.minimum !== undefined) n = n.min(input.minimum);
    if (input.maximum !== undefined) n = n.max(input.maximum);
    base = n;
  }
  return z.preprocess((v) => fromString(input.type, v), base);
}

const validators = new WeakMap<Action, { first: z.ZodType<InputValues>; paging: z.ZodType<InputValues> }>();

/** Two validators: a first call, and a page request (`next` carries the rest, so nothing else is required). */
function validatorFor(action: Action, paging: boolean): z.ZodType<InputValues> {
  let v = validators.get(action);
  if (!v) {
    const build = (relaxed: boolean) => {
      const shape: Record<string, z.ZodType> = {};
      for (const input of inputsOf(action)) {
        const field = zodFor(input);
        if (input.default !== undefined) shape[input.key] = field.optional().default(input.default);
        else shape[input.key] = input.required && !relaxed ? field : field.optional();
      }
      return z.object(shape).strict() as unknown as z.ZodType<InputValues>;
    };
    v = { first: build(false), paging: build(true) };
    validators.set(action, v);
  }
  return paging ? v.paging : v.first;
}

/** Validates an action's input; the first problem becomes a 400 naming the input. */
export function validateActionInput(action: Action, raw: Record<string, unknown>): InputValues {
  const paging =
    action.result.next !== undefined && raw[NEXT_INPUT] !== undefined && raw[NEXT_INPUT] !== null;
  const result = validatorFor(action, paging).safeParse(raw);
  if (result.success) {
    return Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined)) as InputValues;
  }
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const known = inputsOf(action).map((i) => i.key);
    throw invalidInput(
      `${action.id} has no input ${issue.keys.map((k) => `"${k}"`).join(', ')}${known.length ? ` (inputs: ${known.join(', ')})` : ''}`,
      {
        field: issue.keys[0],
      },
    );
  }
  const field = issue.path.join('.');
  const message =
    issue.code === 'invalid_type' && (raw[field] === undefined || raw[field] === null)
      ? 'is required'
      : issue.message;
  throw invalidInput(`${field}: ${message}`, { field });
}

/** JSON Schema (draft 2020-12 subset) of an action's input, for MCP tools and `operation_details`. */
export function inputJsonSchema(action: Action): Record<string, unknown> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const i of inputsOf(action)) {
    const p: Record<string, unknown> = { type: i.type };
    if (i.description) p.description = i.description;
    if (i.default !== undefined) p.default = i.default;
    if (i.enum) p.enum = i.enum;
    if (i.type === 'string') {
      p.maxLength = i.max_length;
      if (i.pattern) p.pattern = i.pattern;
    }
    if (i.minimum !== undefined) p.minimum = i.minimum;
    if (i.maximum !== undefined) p.maximum = i.maximum;
    properties[i.key] = p;
  }
  const required = action.inputs.filter((i) => i.required && i.default === undefined).map((i) => i.key);
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}
