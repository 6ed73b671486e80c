import { useId } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { languages } from '../i18n/i18n.ts';
import { announce } from './LiveRegion.tsx';

/**
 * One button per language, each named in its own language and script (and marked with `lang`,
 * so screen readers pronounce it right). Buttons, not a <select>: one touch, nothing to open.
 */
export function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  const labelId = `language-${useId()}`;
  return (
    <div class="language-switch" role="group" aria-labelledby={labelId}>
      <span class="language-switch__label" id={labelId}>
        {t('shell.language')}
      </span>
      <ul class="language-switch__list">
        {languages.map((entry) => (
          <li key={entry.code}>
            <button
              type="button"
              class="button button--secondary language-switch__button"
              lang={entry.code}
              dir={entry.dir}
              aria-current={entry.code === language ? 'true' : undefined}
              onClick={async () => {
                if (entry.code === language) return;
                await setLanguage(entry.code);
                announce(entry.nativeName);
              }}
            >
              {entry.code === language && (
                <span class="language-switch__mark" aria-hidden="true">
                  ✓{' '}
                </span>
              )}
              {entry.nativeName}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
