import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useMemo, useState } from 'preact/hooks';
import {
  createFormatters,
  createTranslator,
  directionOf,
  pickInitialLanguage,
  sourceLanguage,
  type Catalog,
  type Formatters,
  type Language,
  type TextDirection,
  type Translate,
} from './i18n.ts';
import { loadCatalog, sourceCatalog } from './catalogs.ts';
import { readSession, writeSession } from '../session-store.ts';

const storageKey = 'druckpunkt.language';

export type I18n = {
  language: Language;
  dir: TextDirection;
  t: Translate;
  /** True when a message exists for the key (used to translate server error codes). */
  has: (key: string) => boolean;
  format: Formatters;
  setLanguage: (language: Language) => Promise<void>;
};

const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n() needs an <I18nProvider> above it');
  return i18n;
}

/** `lang` and `dir` on <html>: screen readers pick their voice and the layout mirrors for Arabic. */
export function applyLanguageToDocument(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

export type LoadedLanguage = { language: Language; catalog: Catalog };

/** Resolves the start language and loads its catalog before the first render (no flash of German). */
export async function loadInitialLanguage(): Promise<LoadedLanguage> {
  const language = pickInitialLanguage({ search: window.location.search, stored: readSession(storageKey) });
  try {
    const catalog = await loadCatalog(language);
    applyLanguageToDocument(language);
    return { language, catalog };
  } catch {
    applyLanguageToDocument(sourceLanguage);
    return { language: sourceLanguage, catalog: sourceCatalog };
  }
}

function reportMissing(key: string) {
  if (import.meta.env.DEV) console.warn(`missing translation: ${key}`);
}

export function I18nProvider({ initial, children }: { initial: LoadedLanguage; children: ComponentChildren }) {
  const [current, setCurrent] = useState<LoadedLanguage>(initial);

  const setLanguage = useCallback(async (language: Language) => {
    const catalog = await loadCatalog(language);
    writeSession(storageKey, language);
    // Keep an explicit ?lang= in the address in step, so a reload keeps the new choice.
    const url = new URL(window.location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.set('lang', language);
      window.history.replaceState(window.history.state, '', url);
    }
    applyLanguageToDocument(language);
    setCurrent({ language, catalog });
  }, []);

  const value = useMemo<I18n>(() => {
    const translator = createTranslator({
      language: current.language,
      catalog: current.catalog,
      fallback: sourceCatalog,
      onMissing: reportMissing,
    });
    return {
      language: current.language,
      dir: directionOf(current.language),
      t: translator.t,
      has: translator.has,
      format: createFormatters(current.language),
      setLanguage,
    };
  }, [current, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
