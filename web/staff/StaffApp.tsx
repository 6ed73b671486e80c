import { Page } from '../shared/components/Page.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { useScreens } from '../shared/screens.ts';
import { useSiteInfo } from '../shared/site-info.ts';

/** The staff console's screens; later issues add login, queues, quotas and statistics. */
export type StaffScreen = { name: 'start' };

/** The staff console. */
export function StaffApp() {
  const { t } = useI18n();
  const siteInfo = useSiteInfo();
  const { screen, screenKey } = useScreens<StaffScreen>({ name: 'start' });
  switch (screen.name) {
    case 'start':
      return (
        <Page title={t('staff.title')} siteName={siteInfo?.site.name} screenKey={screenKey}>
          <p class="lead">{t('staff.intro')}</p>
        </Page>
      );
  }
}
