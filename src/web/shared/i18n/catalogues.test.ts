import { describe, expect, it } from 'vitest';
import { HUB_LOCALES, acceptedLanguages, pickLocale } from '../../../contract/locales.js';
import en, { type Catalogue } from './en.js';
import de from './de.js';
import es from './es.js';
import fr from './fr.js';
import nl from './nl.js';
import pt from './pt.js';

const OTHERS: Record<string, Catalogue> = { fr, de, es, pt, nl };
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the Hub’s catalogues', () => {
  it('cover every language the Hub offers', () => {
    expect(Object.keys(OTHERS).sort()).toEqual(HUB_LOCALES.filter((l) => l !== 'en').sort());
  });

  for (const [locale, c] of Object.entries(OTHERS)) {
    describe(locale, () => {
      it('has exactly the keys English has', () => {
        const theirs = new Set(Object.keys(c.messages));
        const ours = new Set(Object.keys(en.messages));
        expect(
          [...ours].filter((k) => !theirs.has(k)),
          'missing',
        ).toEqual([]);
        expect(
          [...theirs].filter((k) => !ours.has(k)),
          'not in English',
        ).toEqual([]);
      });

      it('uses the same placeholders as English in every message', () => {
        const differ = Object.entries(en.messages)
          .filter(([k, text]) => {
            const theirs = (c.messages as Record<string, string | undefined>)[k];
            return theirs !== undefined && placeholders(theirs).join() !== placeholders(text).join();
          })
          .map(([k]) => k);
        expect(differ).toEqual([]);
      });

      it('is its own language, left to right, with no message left empty', () => {
        expect(c.lang).toBe(locale);
        expect(c.dir).toBe('ltr');
        expect(Object.entries(c.messages).filter(([, v]) => !v.trim())).toEqual([]);
        // Translated, not copied: no sentence is left in English (a word or two may be the same).
        const same = Object.entries(c.messages).filter(
          ([k, v]) => v === (en.messages as Record<string, string>)[k] && v.trim().split(' ').length > 2,
        );
        expect(same.map(([k]) => k)).toEqual([]);
      });
    });
  }
});

describe('choosing the language', () => {
  it('takes the session’s locale, then the browser’s languages, then English', () => {
    expect(pickLocale(['fr', 'de'])).toBe('fr');
    expect(pickLocale([null, 'de-AT', 'fr'])).toBe('de');
    expect(pickLocale(['ja', 'pt-BR'])).toBe('pt');
    expect(pickLocale(['ja', 'zh-Hant-TW'])).toBe('en');
    expect(pickLocale([])).toBe('en');
    expect(pickLocale(['NL-be'])).toBe('nl');
    expect(pickLocale(['x-rtl', 'klingon'])).toBe('en');
  });

  it('reads Accept-Language by weight', () => {
    expect(acceptedLanguages('de-CH;q=0.5, fr;q=0.9, *;q=0.1, en;q=0')).toEqual(['fr', 'de-CH']);
    expect(acceptedLanguages('nl-NL,nl;q=0.9,en-US;q=0.8')).toEqual(['nl-NL', 'nl', 'en-US']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });
});
