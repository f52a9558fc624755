import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS_DIR, loadConnectorFile } from './loader.js';
import { translateField, translateGuide, translationFor } from './translations.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'connector-translations-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const load = (key: string) => loadConnectorFile(path.join(BUILTIN_CONNECTORS_DIR, `${key}.json`));

describe('connector translations', () => {
  it('the three seed connectors have French and German end-user texts for every field and step', async () => {
    for (const key of ['kustomer', 'salesforce', 'oneflow']) {
      const c = await load(key);
      for (const locale of ['fr', 'de']) {
        const tr = translationFor(c, locale);
        expect(tr, `${key} ${locale}`).toBeDefined();
        for (const f of c.config_fields)
          expect(tr!.fields[f.key]?.label, `${key} ${locale} ${f.key}`).toBeTruthy();
        expect(tr!.guide?.description, `${key} ${locale}`).toBeTruthy();
        expect(translateGuide(c, tr).steps).toHaveLength(c.guide.end_user.steps.length);
        for (const n of c.notices) expect(tr!.notices[n.key], `${key} ${locale} ${n.key}`).toBeTruthy();
      }
    }
  });

  it('falls back to English for a language or a text a connector leaves out', async () => {
    const c = await load('kustomer');
    expect(translationFor(c, 'es')).toBeUndefined();
    expect(translationFor(c, 'en')).toBeUndefined();
    const secret = c.config_fields.find((f) => f.key === 'client_secret')!;
    const fr = translateField(secret, translationFor(c, 'fr'));
    expect(fr.label).toBe('Secret client');
    expect(fr.description).toBe(secret.description); // not translated: English
    expect(translateGuide(c, undefined).steps).toEqual(c.guide.end_user.steps);
    expect(translateGuide(c, translationFor(c, 'de')).steps[1]).toContain('{callback_url}');
  });

  it('refuses a translation of a field, option or notice the connector does not have, or a short guide', async () => {
    const base = JSON.parse(await readFile(path.join(BUILTIN_CONNECTORS_DIR, 'oneflow.json'), 'utf8'));
    const problem = async (translations: unknown) => {
      const file = path.join(dir, 'x.json');
      await writeFile(file, JSON.stringify({ ...base, translations }));
      return loadConnectorFile(file).then(
        () => 'loaded',
        (e: Error) => e.message,
      );
    };
    expect(await problem({ fr: { fields: { api_token: { label: 'Jeton' } } } })).toBe('loaded');
    expect(await problem({ fr: { fields: { nope: { label: 'Non' } } } })).toMatch(
      /translations\.fr\.fields names unknown config field nope/,
    );
    expect(await problem({ fr: { fields: { api_token: { options: { a: 'A' } } } } })).toMatch(
      /unknown option a/,
    );
    expect(await problem({ de: { notices: { ghost: 'Hallo' } } })).toMatch(/unknown notice ghost/);
    expect(await problem({ de: { guide: { steps: ['Nur einer'] } } })).toMatch(
      /has 1 steps, guide.end_user.steps has 4/,
    );
    expect(await problem({ 'pt-BR': {} })).toMatch(/translations\.pt-BR/);
    expect(await problem({ en: {} })).toMatch(/English is the connector's own text/);
  });
});
