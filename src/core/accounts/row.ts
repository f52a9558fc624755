// The stored linked account: the one description of an `accounts` row, shared by every module
// that reads or writes one. Types only, so it sits at the bottom of the import graph.
import type { Overrides } from '../connector-profiles/profiles.js';
import type { ACCOUNT_STATUSES, StatusReason } from '../../contract/accounts.js';

export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export type { StatusReason };

export interface AccountRow {
  id: string;
  project_id: string;
  connector_profile_id: string | null;
  provider: string;
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  label: string | null;
  type: string;
  environment: string | null;
  status: AccountStatus;
  status_reasons: StatusReason[];
  metadata: Record<string, unknown> | null;
  setup_information: Record<string, string>;
  /** Sealed JSON of the end user's secret fields. */
  secrets: string | null;
  /** Sealed JSON of OAuth tokens and kept token fields. */
  credentials: string | null;
  token_expires_at: Date | null;
  /** The profile's URL overrides when the account was linked: where its credentials may go. */
  endpoint_overrides: Overrides;
  created_at: Date;
  updated_at: Date;
}
