import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { LiveRegions } from './LiveRegion.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { DisplayToggles } from './DisplayToggles.tsx';

export type PageProps = {
  /** The screen's h1, also the start of the browser tab's title. */
  title: string;
  /** Name of the place (e.g. "Stadtteilbüro Lobeda"); omitted while unknown. */
  siteName?: string | undefined;
  /** Changes whenever another screen is shown: focus then moves to the new h1. */
  screenKey?: string | number;
  /** A page's own navigation (the staff console's sections), placed between header and main. */
  nav?: ComponentChildren;
  children: ComponentChildren;
};

/**
 * The frame of every page: skip link, header with the site's name and the language and display
 * settings, main with one h1, footer with where to get help, and the live regions.
 */
export function Page({ title, siteName, screenKey, nav, children }: PageProps) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const firstScreen = useRef(true);

  useEffect(() => {
    document.title = siteName ? `${title} – ${siteName}` : title;
  }, [title, siteName]);

  // On a new screen, screen-reader and keyboard users start at its heading, like on a new page.
  // Not on first load: the browser already starts at the top. A layout effect, so focus moves in
  // the same frame the new screen appears: the button that was pressed is gone by then, and focus
  // must never fall back to <body> in between.
  useLayoutEffect(() => {
    if (firstScreen.current) {
      firstScreen.current = false;
      return;
    }
    heading.current?.focus();
  }, [screenKey]);

  return (
    <>
      <a class="skip-link" href="#main">
        {t('shell.skipLink')}
      </a>
      <header class="site-header">
        <div class="site-header__inner">
          <p class="site-header__brand">
            <span class="site-header__name">{t('shell.productName')}</span>
            {siteName && <span class="site-header__site">{siteName}</span>}
          </p>
          <div class="site-header__settings">
            <LanguageSwitch />
            <DisplayToggles />
          </div>
        </div>
      </header>
      {nav}
      <main id="main" class="site-main" tabIndex={-1}>
        <h1 class="site-main__title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
      <footer class="site-footer">
        <p>{t('shell.help')}</p>
      </footer>
      <LiveRegions />
    </>
  );
}
