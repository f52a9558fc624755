import en from '../../src/web/shared/i18n/en.js';

/**
 * A right-to-left pseudo-locale for tests only (never shipped): every English message with its
 * Latin letters swapped for Arabic ones and made a third longer, `{placeholders}` kept, so a
 * screen shows how the layout takes right-to-left text of a realistic length.
 */
const ARABIC = 'ابتثجحخدذرزسشصضطظعغفقكلمن';

function pseudo(text: string): string {
  const parts = text.split(/(\{\w+\})/);
  const swapped = parts
    .map((p) =>
      p.startsWith('{')
        ? p
        : p.replace(/[A-Za-z]/g, (ch) => ARABIC[(ch.toLowerCase().charCodeAt(0) - 97) % ARABIC.length]!),
    )
    .join('');
  const words = text
    .replace(/\{\w+\}/g, '')
    .split(/\s+/)
    .filter(Boolean).length;
  return words > 1 ? `${swapped} ${'طويل '.repeat(Math.ceil(words / 3)).trim()}` : swapped;
}

export const PSEUDO_RTL = {
  lang: 'ar',
  dir: 'rtl' as const,
  messages: Object.fromEntries(Object.entries(en.messages).map(([k, v]) => [k, pseudo(v)])),
};

/** The catalogue as the module a catalogue chunk is: `export default {…}`. */
export const PSEUDO_RTL_MODULE = `export default ${JSON.stringify(PSEUDO_RTL)};`;
