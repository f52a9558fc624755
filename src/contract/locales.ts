// The languages the Hub speaks, and how one is chosen. Plain data and one pure function with no
// imports, so the Hub may import it as a value and the server picks the same language for the
// connector texts it sends.

/** The Hub's languages (base language subtags); English is the fallback and is always bundled. */
export const HUB_LOCALES = ['en', 'fr', 'de', 'es', 'pt', 'nl'] as const;

export type HubLocale = (typeof HUB_LOCALES)[number];

/** The base language of a tag, lowercased: "pt-BR" → "pt"; "" for anything that is not a tag. */
export function baseLanguage(tag: string): string {
  const m = /^([A-Za-z]{2,3})(?:[-_]|$)/.exec(tag.trim());
  return m ? m[1]!.toLowerCase() : '';
}

/**
 * The first candidate whose base language the Hub speaks (the session's `locale`, then the
 * browser's languages in order), else English. Regional tags fall back to their base language.
 */
export function pickLocale(candidates: ReadonlyArray<string | null | undefined>): HubLocale {
  for (const c of candidates) {
    if (!c) continue;
    const base = baseLanguage(c);
    if ((HUB_LOCALES as readonly string[]).includes(base)) return base as HubLocale;
  }
  return 'en';
}

/** The languages of an `Accept-Language` header, most wanted first (q=0 dropped). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => l.tag && l.tag !== '*' && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .slice(0, 20)
    .map((l) => l.tag);
}
