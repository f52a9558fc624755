/**
 * The Hub (Auth Link page). Reads everything from the URL:
 *   ?token=<session token>  [&api_url=<API base, default: this origin>]
 *   [&attempt=<connection attempt id>&integration=<integration id>]  (back from a full-page OAuth redirect)
 * and talks only to the /hub/* API.
 */
import { AuthError, type AccountData, type HubData, type Integration } from './api.js';
import {
  RETURN_PARAMS,
  params,
  token,
  api,
  enc,
  ctx,
  configs,
  loading,
  loadConfig,
  integrationFor,
  defineScreens,
  show,
} from './app.js';
import { fail, errorState } from './screens/error.js';
import { expired } from './screens/ended.js';
import { list } from './screens/list.js';
import { connector } from './screens/form.js';
import { waiting } from './screens/waiting.js';
import { success } from './screens/success.js';
import { loadBrand } from './brand.js';
import { t } from '../shared/i18n/i18n.js';

async function boot(): Promise<void> {
  if (!token) return show({ kind: 'ended' });
  // The branding names the session's language: the first words shown are in it.
  const branded = loadBrand(api);
  try {
    const both = Promise.all([
      api
        .get<{ enabled_features?: string[]; existing_account_id?: string }>('/hub/settings')
        .catch((e: unknown) => {
          if (e instanceof AuthError) throw e;
          return null; // settings are optional
        }),
      api.get<HubData>('/hub/connectors'),
    ]);
    both.catch(() => undefined); // read below, after the branding
    await branded;
    loading(t('loading'));
    const [settings, hub] = await both;
    ctx.integrations = hub && Array.isArray(hub.integrations) ? hub.integrations : [];
    ctx.active = ctx.integrations.filter((i) => i.active && i.name);
    ctx.externalTriggerToken = hub?.external_trigger_token;

    if (settings?.existing_account_id) {
      const acc = await api.get<AccountData>(`/hub/accounts/${enc(settings.existing_account_id)}`);
      if (acc?.integrationId) {
        ctx.editAccountId = settings.existing_account_id;
        ctx.account = acc;
      }
    }

    const attemptId = params.get('attempt');
    if (attemptId) {
      // Back from a full-page OAuth redirect: forget the return parameters, then check the attempt.
      const iid = params.get('integration');
      const clean = new URL(location.href);
      for (const k of RETURN_PARAMS) clean.searchParams.delete(k);
      history.replaceState(null, '', clean.href);
      const integ: Integration = ctx.integrations.find((i) => i.integration_id === iid) ??
        (ctx.account ? integrationFor(ctx.account) : undefined) ?? {
          integration_id: iid ?? '',
          provider: params.get('provider') ?? '',
          name: params.get('provider') || t('error.thisApp'),
          active: true,
          type: '',
        };
      let name = integ.name;
      const cfg =
        configs.get(integ.integration_id) ?? (await loadConfig(integ.integration_id).catch(() => null));
      if (cfg?.name) name = cfg.name;
      return show({
        kind: 'waiting',
        pending: { integ, name, attemptId, popup: null, startedAt: Date.now() },
      });
    }

    if (ctx.account) return show({ kind: 'connector', integ: integrationFor(ctx.account) });
    const only = ctx.active.length === 1 ? ctx.active[0] : undefined;
    if (only) return show({ kind: 'connector', integ: only });
    show({ kind: 'list' });
  } catch (e) {
    fail(e, () => void boot());
  }
}

defineScreens({
  list: () => list(),
  connector: (s) => void connector(s.integ, s.flash),
  waiting: (s) => waiting(s.pending),
  success: (s) => success(s.name, s.account),
  error: (s) => errorState(s.title, s.problem, s.retry),
  ended: () => expired(),
});
void boot();
