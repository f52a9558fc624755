import { z } from 'zod';
import { anyObject, commaList } from './common.js';

/** `ProxyRequestBody`. The SDK always sends `method` (default `get`, lower-case). */
export const proxyBodySchema = z
  .object({
    method: z.string().max(16).nullish(),
    url: z.string().max(2048).nullish(),
    path: z.string().max(8192).nullish(),
    headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullish(),
    body: z.unknown().optional(),
  })
  .strict();
export type ProxyBody = z.infer<typeof proxyBodySchema>;

/** `ActionsRpcRequestDto`. */
export const rpcBodySchema = z
  .object({
    action: z.string().min(1).max(200),
    body: z.record(z.string(), z.unknown()).nullish(),
    headers: z.record(z.string(), z.unknown()).nullish(),
    path: z.record(z.string(), z.unknown()).nullish(),
    query: z.record(z.string(), z.unknown()).nullish(),
  })
  .strict();
export type RpcBody = z.infer<typeof rpcBodySchema>;

/** `ActionsRpcResponse`: an object or a list of objects, and a cursor while more follow. */
export const rpcResponse = z.strictObject({
  data: z.union([anyObject, z.array(anyObject)]),
  next: z.string().nullable(),
});

const list = commaList(200);
const filterSchema = z
  .object({ account_ids: list, action_key: z.string().max(200).optional(), connectors: list })
  .partial();

/**
 * `GET /actions`. The SDK sends `filter` as deepObject (`filter[connectors]=a,b`), which the
 * server's query parser leaves as bracketed keys; a parser that nests them gives `filter: {…}`.
 */
export const listActionsQuery = z.object({
  'filter[account_ids]': list,
  'filter[action_key]': z.string().max(200).optional(),
  'filter[connectors]': list,
  filter: filterSchema.optional(),
  group_by: z
    .string()
    .max(100)
    .optional()
    .refine(
      (v) => v === undefined || v === 'connector' || v.replace(/\s/g, '') === '["connector"]',
      'group_by must be connector',
    ),
  include: list.refine(
    (v) => !v || v.every((i) => i === 'operation_details'),
    'include may only be operation_details',
  ),
  next: z.string().max(100).optional(),
  page: z.coerce.number().int().min(0).max(100_000).optional(),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
export type ListActionsQuery = z.infer<typeof listActionsQuery>;

/** `ActionsMetaPaginated`. */
export const actionsMetaPage = z.strictObject({ data: z.array(anyObject), next: z.string().nullable() });
