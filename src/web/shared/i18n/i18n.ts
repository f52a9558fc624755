/**
 * The Hub pages' language: the words of one catalogue, filled-in placeholders, plural forms, and
 * dates and numbers through Intl in the same language. English is bundled; any other catalogue is
 * its own file, fetched only when a page asks for that language.
 */
import { type HubLocale, pickLocale } from '../../../contract/locales.js';
import en, { type Catalogue, type MessageKey } from './en.js';

export type { MessageKey } from './en.js';

/** Each other language's catalogue: a separate chunk, loaded on demand. */
const LOADERS: Record<Exclude<HubLocale, 'en'>, () => Promise<{ default: Catalogue }>> = {
  fr: () => import('./fr.js'),
  de: () => import('./de.js'),
  es: () => import('./es.js'),
  pt: () => import('./pt.js'),
  nl: () => import('./nl.js'),
};

let current: Catalogue = en;

/** The language the page speaks (its BCP 47 tag). */
export function lang(): string {
  return current.lang;
}

/** A message with its `{placeholders}` filled in; a missing key falls back to English. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = current.messages[key] ?? en.messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (all, name: string) => {
    const v = vars[name];
    if (v === undefined) return all;
    return typeof v === 'number' ? formatNumber(v) : v;
  });
}

/** The plural form of `base` for `count` (`base.one`, `base.other`, …), the count in the locale's digits. */
export function plural(base: 'list.count', count: number): string {
  const form = new Intl.PluralRules(current.lang).select(count);
  const key = `${base}.${form}` as MessageKey;
  return t(key in current.messages ? key : (`${base}.other` as MessageKey), { count });
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(current.lang).format(n);
}

/** A date and time as people of this language write it ("2 décembre 2026 à 17:05"). */
export function formatDate(d: Date): string {
  return new Intl.DateTimeFormat(current.lang, { dateStyle: 'long', timeStyle: 'short' }).format(d);
}

/** Uses a catalogue and marks the page: `<html lang dir>`. */
export function useCatalogue(c: Catalogue): void {
  current = c;
  document.documentElement.lang = c.lang;
  document.documentElement.dir = c.dir;
}

/**
 * Chooses the language from the candidates (the session's `locale`, then the browser's
 * languages) and loads its catalogue; English when none fits or the file cannot be loaded.
 */
export async function chooseLanguage(candidates: ReadonlyArray<string | null | undefined>): Promise<void> {
  const locale = pickLocale(candidates);
  if (locale === 'en') return useCatalogue(en);
  try {
    useCatalogue((await LOADERS[locale]()).default);
  } catch {
    useCatalogue(en); // the page still works, in English
  }
}

/** The browser's languages, most wanted first. */
export function browserLanguages(): string[] {
  return navigator.languages?.length ? [...navigator.languages] : [navigator.language];
}
