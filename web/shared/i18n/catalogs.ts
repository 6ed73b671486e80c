import type { Catalog, Language } from './i18n.ts';
import de from './de.json' with { type: 'json' };

/**
 * German ships in every page's main bundle (it is the source and the fallback); the other
 * languages load on demand so a German-only visit downloads nothing extra.
 */
const loaders: Record<Exclude<Language, 'de'>, () => Promise<{ default: Catalog }>> = {
  en: () => import('./en.json', { with: { type: 'json' } }),
  uk: () => import('./uk.json', { with: { type: 'json' } }),
  ru: () => import('./ru.json', { with: { type: 'json' } }),
  ar: () => import('./ar.json', { with: { type: 'json' } }),
  tr: () => import('./tr.json', { with: { type: 'json' } }),
};

export const sourceCatalog: Catalog = de;

export async function loadCatalog(language: Language): Promise<Catalog> {
  if (language === 'de') return sourceCatalog;
  const module = await loaders[language]();
  return module.default;
}
