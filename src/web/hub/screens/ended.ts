/** The link no longer works (expired, or never valid). */
import { h, ICONS } from '../../shared/dom.js';
import { ask } from '../../shared/oauth-words.js';
import { token, api, nextScreen, mount, announce, state } from '../app.js';
import { loadBrand } from '../brand.js';

export interface LinkStatus {
  status?: 'active' | 'expired' | 'invalid' | string;
  origin_owner_name?: string | null;
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
  if (status === 'expired') {
    title = 'Link expired';
    what = forWhom ? `This link for ${forWhom} has expired.` : 'This link has expired.';
    next = `Links only work for a limited time. Ask ${ask()} for a new one.`;
  } else if (status === 'invalid') {
    title = 'Link not valid';
    what = 'This link is not valid.';
    next = `Check that you opened the whole link. If it still does not work, ask ${ask()} for a new one.`;
  } else {
    title = 'Link expired';
    what = 'This link has expired or is not valid.';
    next = `Ask ${ask()} for a new link.`;
  }
  mount(
    title,
    state(
      status === 'invalid' ? 'invalid-link' : 'expired',
      status === 'invalid' ? ICONS.alert : ICONS.clock,
      '',
      what,
      h('p', { class: 'muted' }, next),
    ),
  );
  announce(`${what} ${next}`);
}
