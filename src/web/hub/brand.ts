/**
 * The project's branding on the Hub: who asks (the company, for which of its customers), its
 * accent colour, logo (also the tab's icon), consent line, privacy and terms links, support
 * address (in every "whom to ask" sentence) and the optional "Powered by Switchboard" line.
 * Without branding, or when it cannot be loaded, the page stays as it was: the link still works.
 */
import { h, append } from '../shared/dom.js';
import { setWhomToAsk } from '../shared/oauth-words.js';
import type { HubBranding } from '../../contract/hub.js';
import type { Api } from './api.js';
import { browserLanguages, chooseLanguage, lang, t } from '../shared/i18n/i18n.js';

export const brand: { data: HubBranding | null } = { data: null };

const header = document.getElementById('brand') as HTMLElement;
const footer = document.getElementById('brand-foot') as HTMLElement;

/** "Acme asks to connect your HiBob account for Globex." */
export function whoAsks(provider?: string): string {
  const b = brand.data;
  if (!b?.company) return '';
  const vars = { company: b.company, provider: provider ?? '', owner: b.origin_owner_name ?? '' };
  if (provider) return t(b.origin_owner_name ? 'brand.asksAccountFor' : 'brand.asksAccount', vars);
  return t(b.origin_owner_name ? 'brand.asksAnyFor' : 'brand.asksAny', vars);
}

let loaded: Promise<void> | null = null;

/**
 * Loads the branding once (later calls wait for the first), then the page's language (the
 * session's `locale`, else the browser's languages), then applies both; never throws.
 */
export function loadBrand(api: Api): Promise<void> {
  loaded ??= applyBrand(api);
  return loaded;
}

async function applyBrand(api: Api): Promise<void> {
  try {
    brand.data = await api.get<HubBranding>('/hub/branding');
  } catch {
    brand.data = null;
  }
  await chooseLanguage([brand.data?.locale, ...browserLanguages()]);
  const b = brand.data;
  if (!b) return;
  setWhomToAsk(b.company, b.support_email);
  const root = document.documentElement.style;
  if (b.accent_color && b.accent_text_color) {
    // Set through the CSSOM, which the page's style-src 'self' allows.
    for (const v of ['--primary', '--primary-hover', '--focus']) root.setProperty(v, b.accent_color);
    root.setProperty('--on-primary', b.accent_text_color);
  }
  if (b.logo_url) {
    const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (icon) icon.href = b.logo_url;
  }
  renderHeader();
  renderFooter();
}

/** The header line follows the screen: a connector's form names its provider. */
export function renderHeader(provider?: string): void {
  const b = brand.data;
  const line = whoAsks(provider);
  if (!b || (!line && !b.logo_url)) return;
  header.hidden = false;
  header.replaceChildren();
  append(header, [
    b.logo_url ? h('img', { class: 'brand-logo', src: b.logo_url, alt: b.company ?? '', height: 32 }) : null,
    line ? h('p', { class: 'brand-line', 'data-testid': 'brand-line' }, line) : null,
  ]);
}

function renderFooter(): void {
  const b = brand.data;
  if (!b) return;
  const links = [
    b.privacy_url
      ? h('a', { href: b.privacy_url, target: '_blank', rel: 'noopener noreferrer' }, t('brand.privacy'))
      : null,
    b.terms_url
      ? h('a', { href: b.terms_url, target: '_blank', rel: 'noopener noreferrer' }, t('brand.terms'))
      : null,
  ].filter(Boolean);
  footer.replaceChildren();
  append(footer, [
    b.consent_text ? h('p', { class: 'consent', 'data-testid': 'consent' }, b.consent_text) : null,
    links.length ? h('p', { class: 'brand-links' }, ...links) : null,
    b.show_powered_by
      ? h('p', { class: 'powered-by', 'data-testid': 'powered-by' }, t('brand.poweredBy'))
      : null,
  ]);
  footer.hidden = !footer.hasChildNodes();
}

/**
 * What the OAuth callback page (the sign-in window's last page) needs to look like this one: the
 * language, and the company's name, logo and accent. None of it is secret; the callback page
 * checks each value before using it.
 */
export function callbackLook(): URLSearchParams {
  const q = new URLSearchParams({ lang: lang() });
  const b = brand.data;
  if (b?.company) q.set('company', b.company);
  if (b?.logo_url) q.set('logo', b.logo_url);
  if (b?.accent_color && b.accent_text_color) {
    q.set('accent', b.accent_color);
    q.set('on_accent', b.accent_text_color);
  }
  return q;
}

/** The tab's title: the screen, then the company (or Switchboard). */
export function titleSuffix(): string {
  return brand.data?.company ?? 'Switchboard';
}
