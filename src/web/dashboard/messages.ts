/**
 * The server's validation messages name the field by its wire path and use the schema's words
 * ("q: Too big: expected string to have <=200 characters"). The dashboard shows them with the
 * field's label and in plain words ("Search: at most 200 characters").
 */

/** Wire fields the dashboard sends, by the label its forms give them. */
const LABELS: Record<string, string> = {
  q: 'Search',
  origin_owner_id: 'Origin owner ID',
  origin_owner_name: 'Origin owner name',
  origin_username: 'Username',
  status_codes: 'Status code',
  account_ids: 'Account ID',
  start_date: 'From',
  end_date: 'To',
  page: 'Page',
  page_size: 'Page size',
  url: 'Endpoint URL',
  description: 'Description',
  label: 'Label',
  provider: 'Provider',
  categories: 'Category',
  status: 'Status',
};

const humanize = (key: string): string => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** "status_codes.0" → "Status code"; "overrides.token_url" → "Token url". */
export function fieldLabel(path: string): string {
  const parts = path.split('.').filter((p) => !/^\d+$/.test(p));
  const whole = parts.join('.');
  return LABELS[whole] ?? LABELS[parts[0] ?? ''] ?? humanize(parts[parts.length - 1] ?? path);
}

/** zod's phrasing, in the admin's words. */
function plain(text: string): string {
  let m = /^Too big: expected (?:string|array) to have <=?(\d+) (characters|items)/.exec(text);
  if (m) return `at most ${m[1]} ${m[2]}`;
  m = /^Too small: expected (?:string|array) to have >=?(\d+) (characters|items)/.exec(text);
  if (m) return m[1] === '1' ? 'required' : `at least ${m[1]} ${m[2]}`;
  m = /^Too big: expected number to be <=?(\d+)/.exec(text);
  if (m) return `must be ${m[1]} or less`;
  m = /^Too small: expected number to be >=?(\d+)/.exec(text);
  if (m) return `must be ${m[1]} or more`;
  if (/^Invalid (ISO )?datetime/i.test(text)) return 'not a valid date and time';
  if (/^Invalid input: expected number/.test(text)) return 'must be a number';
  if (/^Invalid option: expected one of/.test(text))
    return text.replace(/^Invalid option: expected/, 'must be');
  return text;
}

/** A server message as the dashboard shows it. Messages that are not "path: text" pass unchanged. */
export function readableMessage(text: string): string {
  const m = /^([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*): (.+)$/s.exec(text);
  if (!m) return text;
  return `${fieldLabel(m[1]!)}: ${plain(m[2]!)}`;
}
