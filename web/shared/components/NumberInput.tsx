import { useId } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { describedBy } from './TextInput.tsx';

export type NumberInputProps = {
  label: string;
  value: number;
  onValueChange: (value: number) => void;
  min?: number;
  max?: number;
  step?: number;
  hint?: string;
  error?: string;
  id?: string;
};

function clamp(value: number, min: number, max: number) {
  return Math.min(max, Math.max(min, value));
}

/**
 * A whole number with big − and + buttons beside the field: easier than typing on a touch
 * screen, and the field still takes digits for keyboard users. A text field with
 * inputmode=numeric, because type=number changes value on scroll and reads badly aloud.
 */
export function NumberInput({ label, value, onValueChange, min = 0, max = Number.MAX_SAFE_INTEGER, step = 1, hint, error, id }: NumberInputProps) {
  const { t, format } = useI18n();
  const generated = useId();
  const inputId = id ?? `number-${generated}`;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const change = (next: number) => onValueChange(clamp(next, min, max));
  return (
    <div class={error ? 'field field--invalid' : 'field'}>
      <label class="field__label" for={inputId}>
        {label}
      </label>
      {hint && (
        <p class="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field__error" id={errorId}>
          <span class="field__error-prefix">{t('form.errorPrefix')}</span> {error}
        </p>
      )}
      <div class="number-input">
        <button
          type="button"
          class="button button--secondary number-input__step"
          aria-label={t('form.decrease', { label })}
          aria-controls={inputId}
          disabled={value <= min}
          onClick={() => change(value - step)}
        >
          <span aria-hidden="true">−</span>
        </button>
        <input
          type="text"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          id={inputId}
          class="field__input number-input__field"
          value={format.number(value, { useGrouping: false })}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy([hint && hintId, error && errorId])}
          onChange={(event) => {
            const digits = event.currentTarget.value.replace(/\D/g, '');
            change(digits === '' ? min : Number.parseInt(digits, 10));
          }}
        />
        <button
          type="button"
          class="button button--secondary number-input__step"
          aria-label={t('form.increase', { label })}
          aria-controls={inputId}
          disabled={value >= max}
          onClick={() => change(value + step)}
        >
          <span aria-hidden="true">+</span>
        </button>
      </div>
    </div>
  );
}
