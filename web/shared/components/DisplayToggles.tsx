import { useI18n } from '../i18n/I18nProvider.tsx';
import { useDisplayPreference, type DisplayPreference } from '../preferences.ts';

function Toggle({ preference, label }: { preference: DisplayPreference; label: string }) {
  const { t } = useI18n();
  const [on, setOn] = useDisplayPreference(preference);
  // aria-pressed tells screen readers; the visible "An/Aus" tells everyone else (not colour).
  return (
    <button type="button" class="button button--secondary toggle" aria-pressed={on ? 'true' : 'false'} onClick={() => setOn(!on)}>
      <span class="toggle__label">{label}</span>
      <span class="toggle__state" aria-hidden="true">
        {on ? t('shell.toggleOn') : t('shell.toggleOff')}
      </span>
    </button>
  );
}

/** "Große Schrift" and "Starker Kontrast" for this browser session. */
export function DisplayToggles() {
  const { t } = useI18n();
  return (
    <div class="display-toggles" role="group" aria-label={t('shell.displaySettings')}>
      <Toggle preference="largeText" label={t('shell.largeText')} />
      <Toggle preference="highContrast" label={t('shell.highContrast')} />
    </div>
  );
}
