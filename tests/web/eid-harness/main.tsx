// The AusweisApp status widget alone, in the page frame, showing the state named by ?state=.
// Built by eid-status.e2e.test.ts for the states a machine without a card reader cannot reach
// with the real AusweisApp ("Kartenleser bereit", "Ausweis aufgelegt") and the brief "checking".
import { startPage } from '../../../web/shared/boot.tsx';
import { Page } from '../../../web/shared/components/index.ts';
import { useI18n } from '../../../web/shared/i18n/I18nProvider.tsx';
import type { EidStatus } from '../../../web/terminal/eid/ausweisapp-status.ts';
import { AusweisAppStatus } from '../../../web/terminal/eid/AusweisAppStatus.tsx';

const state = new URLSearchParams(window.location.search).get('state') ?? 'checking';
// "checking" is the state before the first answer: an answer that never comes keeps it.
const check = (): Promise<EidStatus> => (state === 'checking' ? new Promise(() => undefined) : Promise.resolve(state as EidStatus));

function Harness() {
  const { t } = useI18n();
  return (
    <Page title={t('terminal.eid.title')}>
      <AusweisAppStatus check={check} />
    </Page>
  );
}

void startPage(Harness);
