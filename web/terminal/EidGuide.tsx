import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { AusweisAppStatus } from './eid/AusweisAppStatus.tsx';

/**
 * "Online-Ausweis": a plain-language guide to logging in with the ID card and AusweisApp at this
 * terminal — what it is for, what is needed, the steps, the PIN letter, who helps.
 */
export function EidGuide() {
  const { t } = useI18n();
  return (
    <div class="eid">
      <div class="eid__status-slot" data-slot="ausweisapp-status">
        <AusweisAppStatus />
      </div>

      <section aria-labelledby="eid-what">
        <h2 id="eid-what">{t('terminal.eid.what.heading')}</h2>
        <p>{t('terminal.eid.what.text1')}</p>
        <p>{t('terminal.eid.what.text2')}</p>
      </section>

      <section aria-labelledby="eid-need">
        <h2 id="eid-need">{t('terminal.eid.need.heading')}</h2>
        <ul class="eid__list">
          <li>{t('terminal.eid.need.card')}</li>
          <li>{t('terminal.eid.need.pin')}</li>
          <li>{t('terminal.eid.need.reader')}</li>
        </ul>
      </section>

      <section aria-labelledby="eid-steps">
        <h2 id="eid-steps">{t('terminal.eid.steps.heading')}</h2>
        <ol class="eid__list eid__list--numbered">
          <li>{t('terminal.eid.steps.step1')}</li>
          <li>{t('terminal.eid.steps.step2')}</li>
          <li>{t('terminal.eid.steps.step3')}</li>
          <li>{t('terminal.eid.steps.step4')}</li>
          <li>{t('terminal.eid.steps.step5')}</li>
        </ol>
        <p>{t('terminal.eid.steps.after')}</p>
      </section>

      <section aria-labelledby="eid-pin">
        <h2 id="eid-pin">{t('terminal.eid.pin.heading')}</h2>
        <p>{t('terminal.eid.pin.text1')}</p>
        <p>{t('terminal.eid.pin.text2')}</p>
        <p>{t('terminal.eid.pin.text3')}</p>
        <p>{t('terminal.eid.pin.privacy')}</p>
      </section>

      <section aria-labelledby="eid-help">
        <h2 id="eid-help">{t('terminal.eid.help.heading')}</h2>
        <ul class="eid__list">
          <li>{t('terminal.eid.help.staff')}</li>
          <li>{t('terminal.eid.help.office')}</li>
          <li>{t('terminal.eid.help.hotline')}</li>
        </ul>
      </section>
    </div>
  );
}
