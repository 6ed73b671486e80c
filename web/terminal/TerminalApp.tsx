import { Page } from '../shared/components/Page.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { useScreens } from '../shared/screens.ts';
import { useSiteInfo } from '../shared/site-info.ts';

/** The terminal's screens; later issues add upload, job list with release codes and scan pickup. */
export type TerminalScreen = { name: 'start' };

/** The start page of the citizen terminal (kiosk browser). */
export function TerminalApp() {
  const { t } = useI18n();
  const siteInfo = useSiteInfo();
  const { screen, screenKey } = useScreens<TerminalScreen>({ name: 'start' });
  switch (screen.name) {
    case 'start':
      return (
        <Page title={t('terminal.title')} siteName={siteInfo?.site.name} screenKey={screenKey}>
          <p class="lead">{t('terminal.intro')}</p>
        </Page>
      );
  }
}
