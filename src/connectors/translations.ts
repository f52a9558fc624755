/**
 * A connector's end-user texts in the Hub's language: field labels and help, the end-user guide
 * and notices from the connector's `translations`, English (the connector's own texts) for
 * anything a language leaves out.
 */
import type { Connector, Field } from './schema.js';

type Translation = Connector['translations'][string];

/** The language's texts of one connector, or undefined when it has none (English is the text itself). */
export function translationFor(c: Connector, locale: string): Translation | undefined {
  return locale === 'en' ? undefined : c.translations[locale];
}

/** A config field with its label, help, placeholder, format message and option labels translated. */
export function translateField(f: Field, tr: Translation | undefined): Field {
  const t = tr?.fields[f.key];
  if (!t) return f;
  return {
    ...f,
    ...(t.label ? { label: t.label } : {}),
    ...(t.description !== undefined ? { description: t.description } : {}),
    ...(t.placeholder !== undefined ? { placeholder: t.placeholder } : {}),
    ...(t.pattern_message !== undefined ? { pattern_message: t.pattern_message } : {}),
    ...(f.options && t.options
      ? { options: f.options.map((o) => ({ ...o, label: t.options?.[o.value] ?? o.label })) }
      : {}),
  };
}

/** The end user's guide and notices in the language. */
export function translateGuide(c: Connector, tr: Translation | undefined) {
  const endUser = c.guide.end_user;
  return {
    description: tr?.guide?.description ?? endUser.description,
    steps: tr?.guide?.steps ?? endUser.steps,
    notices: c.notices.map((n) => ({ ...n, description: tr?.notices[n.key] ?? n.description })),
  };
}

/** What the schema cannot check: a translation names only fields and notices that exist, and has every step. */
export function translationProblem(c: Connector): string | null {
  const fields = new Set(c.config_fields.map((f) => f.key));
  const notices = new Set(c.notices.map((n) => n.key));
  for (const [locale, tr] of Object.entries(c.translations)) {
    if (locale === 'en') return "translations.en: English is the connector's own text";
    for (const [key, t] of Object.entries(tr.fields)) {
      if (!fields.has(key)) return `translations.${locale}.fields names unknown config field ${key}`;
      const options = c.config_fields.find((f) => f.key === key)?.options ?? [];
      for (const value of Object.keys(t.options ?? {}))
        if (!options.some((o) => o.value === value))
          return `translations.${locale}.fields.${key}.options names unknown option ${value}`;
    }
    for (const key of Object.keys(tr.notices))
      if (!notices.has(key)) return `translations.${locale}.notices names unknown notice ${key}`;
    const steps = tr.guide?.steps;
    if (steps && steps.length !== c.guide.end_user.steps.length)
      return `translations.${locale}.guide.steps has ${steps.length} steps, guide.end_user.steps has ${c.guide.end_user.steps.length}`;
  }
  return null;
}
