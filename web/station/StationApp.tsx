import { Page } from '../shared/components/Page.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { useScreens } from '../shared/screens.ts';
import { useSiteInfo } from '../shared/site-info.ts';

/** The station's screens; later issues add code entry, the job list and scanning. */
export type StationScreen = { name: 'start' };

/** The release and scan station beside the shared printer (touch screen). */
export function StationApp() {
  const { t } = useI18n();
  const siteInfo = useSiteInfo();
  const { screen, screenKey } = useScreens<StationScreen>({ name: 'start' });
  switch (screen.name) {
    case 'start':
      return (
        <Page title={t('station.title')} siteName={siteInfo?.site.name} screenKey={screenKey}>
          <p class="lead">{t('station.intro')}</p>
        </Page>
      );
  }
}
