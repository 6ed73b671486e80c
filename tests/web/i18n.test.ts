import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, test } from 'vitest';
import {
  createFormatters,
  createTranslator,
  intlLocale,
  languages,
  pickInitialLanguage,
  type Catalog,
  type Language,
} from '../../web/shared/i18n/i18n.ts';
import { errorMessageKey, translatedErrorCodes } from '../../web/shared/api.ts';

const webDir = fileURLToPath(new URL('../../web', import.meta.url));
const catalogs = Object.fromEntries(
  languages.map(({ code }) => [code, JSON.parse(readFileSync(path.join(webDir, 'shared', 'i18n', `${code}.json`), 'utf8')) as Catalog]),
) as Record<Language, Catalog>;
const german = catalogs.de;
const otherLanguages = languages.map(({ code }) => code).filter((code) => code !== 'de');

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name.startsWith('.') ? [] : listSources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Keys passed literally to t(…) anywhere in the pages' source. */
function keysUsedInSource(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of listSources(webDir)) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\bt\(\s*(['"`])([^'"`$]+)\1/g)) used.set(match[2]!, path.relative(webDir, file));
  }
  return used;
}

// Argument names a message uses (ICU AST element types: 1 argument, 2 number, 3 date, 4 time,
// 5 select, 6 plural, 8 tag); nested plural/select branches included.
type AstElement = { type: number; value?: unknown; options?: Record<string, { value: AstElement[] }>; children?: AstElement[] };
function argumentNames(elements: AstElement[], names = new Set<string>()): Set<string> {
  for (const element of elements) {
    if ([1, 2, 3, 4, 5, 6, 8].includes(element.type) && typeof element.value === 'string') names.add(element.value);
    for (const option of Object.values(element.options ?? {})) argumentNames(option.value, names);
    if (element.children) argumentNames(element.children, names);
  }
  return names;
}
function pluralElements(elements: AstElement[], found: AstElement[] = []): AstElement[] {
  for (const element of elements) {
    if (element.type === 6) found.push(element);
    for (const option of Object.values(element.options ?? {})) pluralElements(option.value, found);
  }
  return found;
}
const astOf = (message: string, language: Language) => new IntlMessageFormat(message, intlLocale(language)).getAst() as unknown as AstElement[];

describe('message catalogs', () => {
  test.each(otherLanguages)('the %s catalog has exactly the keys of the German one', (language) => {
    const keys = Object.keys(catalogs[language]);
    const missing = Object.keys(german).filter((key) => !keys.includes(key));
    const extra = keys.filter((key) => !(key in german));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  test('every key the pages use exists in German', () => {
    const missing = [...keysUsedInSource()].filter(([key]) => !(key in german)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  test('every German message is used by the pages or explains a known error code', () => {
    const used = new Set([...keysUsedInSource().keys(), ...translatedErrorCodes.map(errorMessageKey)]);
    expect(Object.keys(german).filter((key) => !used.has(key))).toEqual([]);
  });

  test('every error code the pages translate has its own message', () => {
    expect(translatedErrorCodes.map(errorMessageKey).filter((key) => !(key in german))).toEqual([]);
  });

  test.each(languages.map(({ code }) => code))('every %s message is valid ICU with the same arguments as German', (language) => {
    const problems: string[] = [];
    for (const [key, message] of Object.entries(catalogs[language])) {
      const source = german[key];
      if (source === undefined) continue;
      let names: string[];
      try {
        names = [...argumentNames(astOf(message, language))].sort();
      } catch (error) {
        problems.push(`${key}: ${(error as Error).message}`);
        continue;
      }
      const expected = [...argumentNames(astOf(source, 'de'))].sort();
      if (names.join() !== expected.join()) problems.push(`${key}: uses {${names.join()}} but German uses {${expected.join()}}`);
    }
    expect(problems).toEqual([]);
  });

  test.each(languages.map(({ code }) => code))('every %s plural names all of the language’s plural forms', (language) => {
    const categories = new Intl.PluralRules(intlLocale(language)).resolvedOptions().pluralCategories;
    const problems: string[] = [];
    for (const [key, message] of Object.entries(catalogs[language])) {
      for (const plural of pluralElements(astOf(message, language))) {
        const options = Object.keys(plural.options ?? {});
        const lacking = categories.filter((category) => !options.includes(category));
        if (lacking.length > 0) problems.push(`${key}: no ${lacking.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(otherLanguages)('no %s message is left in German', (language) => {
    // Brand names stay the same everywhere.
    const sameEverywhere = new Set(['shell.productName']);
    const untranslated = Object.keys(german).filter((key) => !sameEverywhere.has(key) && catalogs[language][key] === german[key]);
    expect(untranslated).toEqual([]);
  });

  test.each(languages.map(({ code }) => code))('every %s message formats with sample values', (language) => {
    const { t } = createTranslator({ language, catalog: catalogs[language], fallback: german });
    for (const [key, message] of Object.entries(german)) {
      const values = Object.fromEntries([...argumentNames(astOf(message, 'de'))].map((name) => [name, 2]));
      const text = t(key, values);
      expect(text.length, key).toBeGreaterThan(0);
      expect(text, key).not.toContain('{');
    }
  });
});

describe('translator', () => {
  test('a key missing in the chosen language falls back to German, an unknown key to itself', () => {
    const missing: string[] = [];
    const { t, has } = createTranslator({
      language: 'en',
      catalog: { 'a.only_english': 'English' },
      fallback: { 'b.only_german': 'Deutsch {n}' },
      onMissing: (key) => missing.push(key),
    });
    expect(t('a.only_english')).toBe('English');
    expect(t('b.only_german', { n: 3 })).toBe('Deutsch 3');
    expect(t('c.nowhere')).toBe('c.nowhere');
    expect(missing).toEqual(['b.only_german', 'c.nowhere']);
    expect([has('a.only_english'), has('b.only_german'), has('c.nowhere')]).toEqual([true, true, false]);
  });

  test('plural messages pick the form of the chosen language', () => {
    const ru = createTranslator({ language: 'ru', catalog: catalogs.ru });
    const few = ru.t('countdown.warning', { seconds: 3 });
    const many = ru.t('countdown.warning', { seconds: 25 });
    expect(few).toContain('3 секунды');
    expect(many).toContain('25 секунд.');
  });

  test('Arabic numbers, dates and countdowns use Latin digits like the keypad and the printout', () => {
    const format = createFormatters('ar');
    expect(format.number(1234567)).toMatch(/^1.?234.?567$/u);
    expect(format.clock(125)).toBe('2:05');
    expect(format.date(new Date(Date.UTC(2025, 2, 14)))).toMatch(/14/);
    expect(format.date(new Date(Date.UTC(2025, 2, 14)))).not.toMatch(/[\u0660-\u0669]/u);
  });

  test('relative times and dates follow the chosen language', () => {
    expect(createFormatters('de').relativeTime(-1, 'day')).toBe('gestern');
    expect(createFormatters('en').relativeTime(2, 'hour')).toBe('in 2 hours');
    expect(createFormatters('tr').date(new Date(Date.UTC(2025, 0, 5)), { month: 'long', timeZone: 'UTC' })).toBe('Ocak');
  });

  test('the start language comes from ?lang=, then this session’s choice, then German', () => {
    expect(pickInitialLanguage({ search: '?lang=ar', stored: 'tr' })).toBe('ar');
    expect(pickInitialLanguage({ search: '?lang=xx', stored: 'tr' })).toBe('tr');
    expect(pickInitialLanguage({ search: '', stored: 'uk' })).toBe('uk');
    expect(pickInitialLanguage({ search: '', stored: 'klingon' })).toBe('de');
    expect(pickInitialLanguage({ search: '', stored: null })).toBe('de');
  });

  test('languages are offered under their own names, Arabic right to left', () => {
    expect(languages.map((l) => l.nativeName)).toEqual(['Deutsch', 'English', 'Українська', 'Русский', 'العربية', 'Türkçe']);
    expect(languages.filter((l) => l.dir === 'rtl').map((l) => l.code)).toEqual(['ar']);
  });
});
