/** Tool feedback: what agents said about the tools of the project's linked accounts. */
import { h, put } from '../dom.js';
import type { ToolFeedback } from '../../../contract/agents.js';
import type { View } from '../view.js';
import { button, dataTable, emptyState, pageHeader, time } from '../ui.js';
import { field, textInput } from '../forms.js';
import { logList } from './log-list.js';

export async function feedbackPage(v: View): Promise<void> {
  const q = v.route.query;
  const list = logList(v, {
    label: 'Filter tool feedback',
    filters: {
      account: field(
        'Account ID',
        textInput({ value: q.get('account') ?? '', 'data-testid': 'feedback-account' }),
      ),
    },
    path: '/ai/tool-feedback',
    query: (f) => ({ account_ids: f.account }),
    table: feedbackTable,
    noun: 'Feedback',
    loading: 'Loading feedback…',
    empty: () =>
      emptyState({
        icon: 'message',
        title: 'No tool feedback yet',
        text: 'When an agent built on StackOne’s AI SDK uses its tool_feedback tool, what it says about your tools appears here, with the account and the tools it named.',
        testid: 'feedback-empty',
      }),
    noMatch: () =>
      emptyState({
        icon: 'search',
        title: 'No feedback matches',
        text: 'Clear the account filter.',
        testid: 'feedback-no-match',
      }),
    unavailable: () =>
      emptyState({
        icon: 'message',
        title: 'Tool feedback is not available',
        text: 'This server does not record tool feedback.',
        testid: 'feedback-unavailable',
      }),
  });
  put(
    v.main,
    pageHeader(
      'Tool feedback',
      'What agents reported about the tools of your linked accounts (POST /ai/tool-feedback), newest first.',
      [button('Refresh', { icon: 'refresh', testid: 'refresh-feedback', onClick: list.refresh })],
    ),
    list.filters,
    list.results,
  );
  await list.load();
}

function feedbackTable(rows: ToolFeedback[]): HTMLElement {
  return dataTable(
    'Tool feedback',
    [{ label: 'Time' }, { label: 'Feedback' }, { label: 'Tools' }, { label: 'Account' }],
    rows.map((f) => [
      time(f.created_at),
      h('span', { class: 'break' }, f.feedback),
      h('div', { class: 'stack' }, ...f.tool_names.map((t) => h('code', null, t))),
      h(
        'div',
        { class: 'stack' },
        h(
          'a',
          { href: `/dashboard/accounts/${encodeURIComponent(f.account_id)}`, class: 'mono-link' },
          f.account_id,
        ),
        h('span', { class: 'muted small' }, f.provider),
      ),
    ]),
    'feedback-table',
  );
}
