import type { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { invalidInput } from '../errors.js';
import { newId } from '../ids.js';
import { getAccount } from '../accounts/accounts.js';
import type {
  ListToolFeedbackQuery,
  ToolFeedbackBody,
  toolFeedback,
  toolFeedbackPage,
  toolFeedbackReceipt,
} from '../../contract/agents.js';

interface FeedbackRow {
  id: string;
  account_id: string;
  provider: string;
  feedback: string;
  tool_names: string[];
  created_at: Date;
}

function toWire(r: FeedbackRow): z.input<typeof toolFeedback> {
  return {
    id: r.id,
    account_id: r.account_id,
    provider: r.provider,
    feedback: r.feedback,
    tool_names: r.tool_names,
    created_at: r.created_at.toISOString(),
  };
}

/**
 * Stores an agent's feedback on tools of one linked account of the project (404 for an account
 * it does not own). Answers StackOne's receipt `{message, key, submitted_at, trace_id}` and the entry.
 */
export async function submitToolFeedback(
  deps: Deps,
  scope: ProjectScope,
  body: ToolFeedbackBody,
  requestId: string,
): Promise<z.input<typeof toolFeedbackReceipt>> {
  const account = await getAccount(deps, scope, body.account_id);
  const { rows } = await deps.db.query<FeedbackRow>(
    `INSERT INTO tool_feedback (id, project_id, account_id, provider, feedback, tool_names, request_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [
      newId('fb'),
      scope.projectId,
      account.id,
      account.provider,
      body.feedback,
      JSON.stringify([...new Set(body.tool_names)]),
      requestId,
      deps.clock(),
    ],
  );
  const entry = toWire(rows[0]!);
  return {
    message: 'Feedback received',
    key: entry.id,
    submitted_at: entry.created_at,
    trace_id: requestId,
    data: entry,
  };
}

/** The offset a `next` cursor stands for (0 without one); a cursor not made here is a 400. */
function cursorOffset(next: string | undefined): number {
  if (!next) return 0;
  const m = /^f(\d{1,9})$/.exec(Buffer.from(next, 'base64url').toString('utf8'));
  if (!m) throw invalidInput('next: not a cursor from a previous page', { field: 'next' });
  return Number(m[1]);
}

/** The project's tool feedback, newest first, in pages of `page_size` with a `next` cursor. */
export async function listToolFeedback(
  deps: Deps,
  scope: ProjectScope,
  q: ListToolFeedbackQuery,
): Promise<z.input<typeof toolFeedbackPage>> {
  const offset = cursorOffset(q.next);
  const params: unknown[] = [scope.projectId, q.page_size + 1, offset];
  let where = 'project_id = $1';
  if (q.account_ids?.length) {
    params.push(q.account_ids);
    where += ` AND account_id = ANY($${params.length})`;
  }
  const { rows } = await deps.db.query<FeedbackRow>(
    `SELECT * FROM tool_feedback WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    params,
  );
  const more = rows.length > q.page_size;
  return {
    data: rows.slice(0, q.page_size).map(toWire),
    next: more ? Buffer.from(`f${offset + q.page_size}`).toString('base64url') : null,
  };
}
