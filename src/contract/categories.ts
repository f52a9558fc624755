// The connector categories: StackOne's closed list (connect sessions' `categories`) with the
// words people read. Plain data with no imports, so the Hub and the dashboard may import it as a
// value; everything else (the connector schema, the session contract) derives from it.

/** Category key → its label in the Hub and the dashboard. */
export const CATEGORY_LABELS = {
  ats: 'ATS',
  hris: 'HRIS',
  'hris-legacy': 'HRIS (legacy)',
  crm: 'CRM',
  iam: 'IAM',
  marketing: 'Marketing',
  lms: 'LMS',
  stackone: 'StackOne',
  documents: 'Documents',
  ticketing: 'Ticketing',
  screening: 'Screening',
  messaging: 'Messaging',
  accounting: 'Accounting',
} as const;

export type Category = keyof typeof CATEGORY_LABELS;

/** The 13 category keys, in StackOne's order. */
export const CATEGORIES = Object.keys(CATEGORY_LABELS) as [Category, ...Category[]];

/** The label of a category; an unknown key (an older or newer server) is shown as it is. */
export const categoryLabel = (key: string): string => (CATEGORY_LABELS as Record<string, string>)[key] ?? key;
