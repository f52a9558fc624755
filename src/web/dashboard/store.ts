/** Data most pages need, fetched once per sign-in: connectors never change while the server runs. */
import { get, type ConnectorInfo, type Profile } from './api.js';

let connectorsPromise: Promise<ConnectorInfo[]> | null = null;

export function connectors(): Promise<ConnectorInfo[]> {
  connectorsPromise ??= get<ConnectorInfo[]>('/dashboard/api/connectors').catch((e: unknown) => {
    connectorsPromise = null;
    throw e;
  });
  return connectorsPromise;
}

export async function connector(provider: string): Promise<ConnectorInfo | undefined> {
  return (await connectors()).find((c) => c.provider === provider);
}

export function profiles(): Promise<Profile[]> {
  return get<Profile[]>('/connector_profiles');
}

export function forget(): void {
  connectorsPromise = null;
}

export const CATEGORY_LABELS: Record<string, string> = {
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
};

export const categoryLabel = (c: string): string => CATEGORY_LABELS[c] ?? c;
export const authLabel = (c: ConnectorInfo): string => (c.auth_type === 'oauth2' ? 'OAuth 2.0' : 'API token');
