import { IntlMessageFormat } from 'intl-messageformat';

/** A flat message catalog: key → ICU message (German is the source, see de.json). */
export type Catalog = Record<string, string>;
export type MessageValues = Record<string, string | number | Date>;
export type Translate = (key: string, values?: MessageValues) => string;

/**
 * The languages offered, each under its own (native) name so a person finds theirs without
 * reading German. No flags: a flag stands for a country, not a language.
 */
export const languages = [
  { code: 'de', nativeName: 'Deutsch', dir: 'ltr' },
  { code: 'en', nativeName: 'English', dir: 'ltr' },
  { code: 'uk', nativeName: 'Українська', dir: 'ltr' },
  { code: 'ru', nativeName: 'Русский', dir: 'ltr' },
  { code: 'ar', nativeName: 'العربية', dir: 'rtl' },
  { code: 'tr', nativeName: 'Türkçe', dir: 'ltr' },
] as const;

export type Language = (typeof languages)[number]['code'];
export type TextDirection = 'ltr' | 'rtl';
export const sourceLanguage: Language = 'de';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && languages.some((language) => language.code === value);
}

export function directionOf(language: Language): TextDirection {
  return languages.find((entry) => entry.code === language)?.dir ?? 'ltr';
}

/**
 * The locale handed to `Intl`. Arabic keeps Latin digits: release codes, page counts and prices
 * must look like the digits on the station's keypad and on the printout.
 */
export function intlLocale(language: Language): string {
  return language === 'ar' ? 'ar-u-nu-latn' : language;
}

/**
 * The language to start with: `?lang=xx` in the address wins (staff can hand out links), then the
 * choice made earlier in this browser session, then German.
 */
export function pickInitialLanguage({ search, stored }: { search: string; stored: string | null }): Language {
  const fromQuery = new URLSearchParams(search).get('lang');
  if (isLanguage(fromQuery)) return fromQuery;
  if (isLanguage(stored)) return stored;
  return sourceLanguage;
}

export type Translator = {
  language: Language;
  t: Translate;
  /** True when the key exists in the chosen language or in German. */
  has: (key: string) => boolean;
};

/**
 * Formats ICU messages. A key missing in the chosen language falls back to German, then to the key
 * itself, so a gap in a catalog shows something readable instead of breaking the page.
 */
export function createTranslator({
  language,
  catalog,
  fallback,
  onMissing,
}: {
  language: Language;
  catalog: Catalog;
  fallback?: Catalog;
  onMissing?: (key: string) => void;
}): Translator {
  const locale = intlLocale(language);
  const compiled = new Map<string, IntlMessageFormat>();

  const format = (key: string, message: string, messageLocale: string, values?: MessageValues) => {
    const cacheKey = `${messageLocale}\u0000${key}`;
    let formatter = compiled.get(cacheKey);
    if (!formatter) {
      formatter = new IntlMessageFormat(message, messageLocale);
      compiled.set(cacheKey, formatter);
    }
    const result = formatter.format(values);
    return Array.isArray(result) ? result.join('') : String(result);
  };

  const t: Translate = (key, values) => {
    const message = catalog[key];
    if (message !== undefined) return format(key, message, locale, values);
    onMissing?.(key);
    const fallbackMessage = fallback?.[key];
    if (fallbackMessage !== undefined) return format(key, fallbackMessage, intlLocale(sourceLanguage), values);
    return key;
  };

  return { language, t, has: (key) => key in catalog || (fallback !== undefined && key in fallback) };
}

export type Formatters = ReturnType<typeof createFormatters>;

/** Dates, numbers and relative times in the chosen language, via the browser's `Intl`. */
export function createFormatters(language: Language) {
  const locale = intlLocale(language);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return {
    date: (value: Date | number, options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }) =>
      new Intl.DateTimeFormat(locale, options).format(value),
    time: (value: Date | number) => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(value),
    dateTime: (value: Date | number) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(value),
    number: (value: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, options).format(value),
    /** "in 5 minutes", "yesterday" — `value` is signed (negative = in the past). */
    relativeTime: (value: number, unit: Intl.RelativeTimeFormatUnit) => relative.format(value, unit),
    /** A countdown's remaining time as m:ss, with the language's digits. */
    clock: (totalSeconds: number) => {
      const safe = Math.max(0, Math.floor(totalSeconds));
      const minutes = Math.floor(safe / 60);
      const seconds = safe % 60;
      const number = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false });
      return `${new Intl.NumberFormat(locale).format(minutes)}:${number.format(seconds)}`;
    },
  };
}
