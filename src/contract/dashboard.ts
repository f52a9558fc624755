import { z } from 'zod';
import { iso } from './common.js';

/** `/dashboard/api/session`: the signed-in admin's session. */
export const dashboardSession = z.strictObject({
  project_id: z.string(),
  csrf_token: z.string(),
  expires_at: iso,
  public_url: z.string(),
  /** False when the server records no request logs (SWITCHBOARD_REQUEST_LOGS=off). */
  request_logs: z.boolean(),
});
export type DashboardSession = z.infer<typeof dashboardSession>;
