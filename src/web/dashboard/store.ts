/** Data most pages need, fetched once per sign-in: connectors never change while the server runs. */
import { get, type ConnectorInfo, type Profile } from './api.js';
import { until } from './resource.js';

let connectorsPromise: Promise<ConnectorInfo[]> | null = null;

/** The connectors, fetched once and shared: a page that goes away stops waiting, not the fetch. */
export function connectors(signal?: AbortSignal): Promise<ConnectorInfo[]> {
  connectorsPromise ??= get<ConnectorInfo[]>('/dashboard/api/connectors').catch((e: unknown) => {
    connectorsPromise = null;
    throw e;
  });
  return signal ? until(connectorsPromise, signal) : connectorsPromise;
}

export async function connector(provider: string, signal?: AbortSignal): Promise<ConnectorInfo | undefined> {
  return (await connectors(signal)).find((c) => c.provider === provider);
}

export function profiles(signal?: AbortSignal): Promise<Profile[]> {
  return get<Profile[]>('/connector_profiles', signal);
}

export function forget(): void {
  connectorsPromise = null;
}

export { categoryLabel } from '../../contract/categories.js';
export const authLabel = (c: ConnectorInfo): string => (c.auth_type === 'oauth2' ? 'OAuth 2.0' : 'API token');
