/** The link no longer works (expired, or never valid). */
import { h, ICONS } from '../../shared/dom.js';
import { formatDate, t } from '../../shared/i18n/i18n.js';
import { ask } from '../../shared/oauth-words.js';
import { token, api, nextScreen, mount, announce, state } from '../app.js';
import { loadBrand } from '../brand.js';

export interface LinkStatus {
  status?: 'active' | 'expired' | 'invalid' | string;
  origin_owner_name?: string | null;
  expired_at?: string;
}

/**
 * The link no longer works. An expired link names whom it was made for (the server knows the
 * token's session); a token that never existed says so rather than "expired".
 */
export function expired(): void {
  void linkEnded();
}

export async function linkEnded(): Promise<void> {
  const v = nextScreen();
  let link: LinkStatus | null = null;
  if (token)
    [link] = await Promise.all([api.get<LinkStatus>('/hub/link_status').catch(() => null), loadBrand(api)]);
  if (v.aborted) return;
  const status = token ? link?.status : 'invalid';
  const forWhom = link?.origin_owner_name?.trim();
  let title: string;
  let what: string;
  let next: string;
  const whom = ask();
  let when: string | null = null;
  if (status === 'expired') {
    title = t('ended.expiredTitle');
    what = forWhom ? t('ended.expiredFor', { owner: forWhom }) : t('ended.expired');
    next = t('ended.expiredNext', { whom });
    const at = link?.expired_at ? new Date(link.expired_at) : null;
    if (at && !Number.isNaN(at.getTime())) when = t('ended.expiredOn', { date: formatDate(at) });
  } else if (status === 'invalid') {
    title = t('ended.invalidTitle');
    what = t('ended.invalid');
    next = t('ended.invalidNext', { whom });
  } else {
    title = t('ended.expiredTitle');
    what = t('ended.unknown');
    next = t('ended.unknownNext', { whom });
  }
  mount(
    title,
    state(
      status === 'invalid' ? 'invalid-link' : 'expired',
      status === 'invalid' ? ICONS.alert : ICONS.clock,
      '',
      what,
      when ? h('p', { class: 'muted', 'data-testid': 'expired-at' }, when) : null,
      h('p', { class: 'muted' }, next),
    ),
  );
  announce(`${what} ${next}`);
}
