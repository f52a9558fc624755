import { z } from 'zod';
import { commaList, cursorPage, iso, last } from './common.js';

/** The most results one search returns. */
export const SEARCH_TOP_K_MAX = 100;

/**
 * `POST /actions/search`, as StackOne's agent SDK sends it: `query`, and `top_k`, `connector`,
 * `project_id`, `min_similarity` when it has them. The project is the API key's: a `project_id`
 * is accepted and not used. Other keys are ignored, as on our other bodies.
 */
export const actionSearchBody = z.object({
  query: z.string().trim().min(1).max(500),
  top_k: z.number().int().min(1).max(SEARCH_TOP_K_MAX).nullish(),
  connector: z.string().trim().min(1).max(100).nullish(),
  project_id: z.string().max(255).nullish(),
  min_similarity: z.number().min(0).max(1).nullish(),
});
export type ActionSearchBody = z.infer<typeof actionSearchBody>;

/** One ranked action: `id` is the action id (the MCP tool name), `similarity_score` in [0, 1]. */
export const actionSearchResult = z.strictObject({
  id: z.string(),
  similarity_score: z.number().min(0).max(1),
  connector: z.string(),
  label: z.string(),
  description: z.string(),
});

/** The answer the SDK reads: `results`, `total_count` and `query`; `connector_filter` when one was given. */
export const actionSearchResponse = z.strictObject({
  results: z.array(actionSearchResult),
  total_count: z.number().int().min(0),
  query: z.string(),
  connector_filter: z.string().optional(),
});

/** The longest feedback text stored. */
export const FEEDBACK_MAX_LENGTH = 4000;
/** The most tool names one feedback names. */
export const FEEDBACK_MAX_TOOLS = 50;

/** `POST /ai/tool-feedback`: what the SDK's `tool_feedback` tool sends, once per account. */
export const toolFeedbackBody = z.object({
  feedback: z.string().trim().min(1).max(FEEDBACK_MAX_LENGTH),
  account_id: z.string().trim().min(1).max(255),
  tool_names: z.array(z.string().trim().min(1).max(200)).min(1).max(FEEDBACK_MAX_TOOLS),
});
export type ToolFeedbackBody = z.infer<typeof toolFeedbackBody>;

/** A stored feedback. */
export const toolFeedback = z.strictObject({
  id: z.string(),
  account_id: z.string(),
  provider: z.string(),
  feedback: z.string(),
  tool_names: z.array(z.string()),
  created_at: iso,
});
export type ToolFeedback = z.infer<typeof toolFeedback>;

/** The answer to `POST /ai/tool-feedback`: StackOne's `{message, key, submitted_at, trace_id}`, and the stored entry. */
export const toolFeedbackReceipt = z.strictObject({
  message: z.string(),
  key: z.string(),
  submitted_at: iso,
  trace_id: z.string(),
  data: toolFeedback,
});

/** `GET /ai/tool-feedback`: newest first, `account_ids` to narrow, cursor pages. */
export const listToolFeedbackQuery = z.object({
  account_ids: commaList(100),
  next: last(z.string().max(200).optional()),
  page_size: last(z.coerce.number().int().min(1).max(100).default(25)),
});
export type ListToolFeedbackQuery = z.infer<typeof listToolFeedbackQuery>;

export const toolFeedbackPage = cursorPage(toolFeedback);
