import { insertAccount } from '../../src/core/accounts/accounts.js';
import type { AccountRow } from '../../src/core/accounts/row.js';
import type { TestServer } from './server.js';
import { type Fakes, KUSTOMER_CLIENT } from './linking.js';
import type { FakeProvider } from './seed-fakes.js';

type TokenSet = { access_token: string; refresh_token?: string; expires_in: number; instance_url?: string };
const tokensOf = (fake: FakeProvider) => fake.issueTokens() as TokenSet;

/** A Kustomer account holding real tokens issued by the fake (as if linked through the Hub). */
export async function kustomerAccount(
  server: TestServer,
  fakes: Fakes,
  profileId: string,
  opts: { owner?: string; expiresAt?: Date } = {},
): Promise<AccountRow> {
  const tokens = tokensOf(fakes.kustomer);
  const expiresAt = opts.expiresAt ?? new Date(server.app.deps.clock().getTime() + tokens.expires_in * 1000);
  return insertAccount(server.app.deps, server.app.deps.db, {
    projectId: server.app.boot.project.projectId,
    connectorProfileId: profileId,
    provider: 'kustomer',
    originOwnerId: opts.owner ?? 'kus-owner',
    originOwnerName: 'Kustomer Owner',
    setupInformation: { client_id: KUSTOMER_CLIENT.clientId, org_name: 'acme' },
    secrets: { client_secret: KUSTOMER_CLIENT.clientSecret },
    credentials: {
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      token_type: 'bearer',
      expires_at: expiresAt.toISOString(),
    },
    tokenExpiresAt: expiresAt,
  });
}

export async function salesforceAccount(
  server: TestServer,
  fakes: Fakes,
  profileId: string,
  owner = 'sf-owner',
): Promise<AccountRow> {
  const t = tokensOf(fakes.salesforce);
  return insertAccount(server.app.deps, server.app.deps.db, {
    projectId: server.app.boot.project.projectId,
    connectorProfileId: profileId,
    provider: 'salesforce',
    originOwnerId: owner,
    originOwnerName: 'SF Owner',
    environment: 'production',
    credentials: {
      access_token: t.access_token,
      refresh_token: t.refresh_token,
      token_type: 'Bearer',
      instance_url: t.instance_url,
      expires_at: null,
    },
    tokenExpiresAt: null,
  });
}

export function openCredentials(server: TestServer, sealed: string | null) {
  return server.app.deps.vault.openJson<Record<string, string>>(sealed!);
}
