import { useId } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider.tsx';

export type TextInputProps = {
  type?: 'text' | 'email' | 'tel' | 'password' | 'search' | 'url';
  name?: string;
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email' | 'url' | 'search';
  maxLength?: number;
  required?: boolean;
  disabled?: boolean;
  spellcheck?: boolean;
  /** Visible label; placeholders are no substitute (they vanish while typing). */
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  /** A short help sentence shown under the label. */
  hint?: string;
  /** The error to show; the field is marked invalid and the error read with it. */
  error?: string;
  id?: string;
};

/** Ids of the hint and error paragraphs, joined for `aria-describedby`. */
export function describedBy(ids: Array<string | false | undefined>): string | undefined {
  const joined = ids.filter(Boolean).join(' ');
  return joined === '' ? undefined : joined;
}

export function TextInput({ label, value, onValueChange, hint, error, id, type = 'text', ...rest }: TextInputProps) {
  const { t } = useI18n();
  const generated = useId();
  const inputId = id ?? `input-${generated}`;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
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
      <input
        // Preact's input typings are a union keyed by one literal `type`; ours is a union of them.
        type={type as 'text'}
        {...rest}
        id={inputId}
        class="field__input"
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy([hint && hintId, error && errorId])}
        onInput={(event) => onValueChange(event.currentTarget.value)}
      />
    </div>
  );
}
