import { z } from 'zod';

/** An ISO-8601 instant as `Date#toISOString()` writes it (StackOne's SDK rejects any other form). */
export const iso = z.iso.datetime({ offset: true });

/** Any JSON object. */
export const anyObject = z.record(z.string(), z.unknown());

/** Comma lists, possibly repeated (`a,b` or `x=a&x=b`), of at most `max` values. */
export const commaList = (max: number) =>
  z.preprocess(
    (v) =>
      v === undefined
        ? undefined
        : (Array.isArray(v) ? v : [v])
            .flatMap((s) => String(s).split(','))
            .map((s) => s.trim())
            .filter(Boolean),
    z.array(z.string().max(255)).max(max).optional(),
  );

/** The SDK may send a key twice (filter copy first, top-level copy second): the last one wins. */
export const last = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), schema);

/** `{ data: [...], next }`: a page of a list that continues while `next` is a cursor. */
export const cursorPage = <T extends z.ZodType>(item: T) =>
  z.strictObject({ data: z.array(item), next: z.string().nullable() });

/** The error body of every failed call (StackOne's `statusCode`/`message`/`timestamp`, plus evidence). */
export const errorBody = z
  .strictObject({
    statusCode: z.number().int(),
    message: z.string(),
    timestamp: iso,
    /** A stable word for what went wrong (ours; the SDK ignores unknown keys). */
    code: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    provider_errors: z
      .array(
        z.strictObject({
          status: z.number().nullable(),
          url: z.string().nullable(),
          raw: z.unknown(),
          headers: z.unknown(),
        }),
      )
      .optional(),
    provider_response: z.string().nullable().optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBody>;
