import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { describeError } from '../shared/api.ts';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { describedBy } from '../shared/components/TextInput.tsx';

/** A message box: an icon and a word besides the colour ("Fehler:"), never colour alone. */
export function Notice({ kind, children }: { kind: 'error' | 'info' | 'success'; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <div class={`staff-notice staff-notice--${kind}`}>
      <p>
        <span class="staff-notice__prefix">
          <span aria-hidden="true">{kind === 'error' ? '⚠ ' : kind === 'success' ? '✓ ' : 'ℹ '}</span>
          {kind === 'error' && `${t('form.errorPrefix')} `}
        </span>
        {children}
      </p>
    </div>
  );
}

export type SelectOption = { value: string; label: string };

/** A labelled native <select>: keyboard and screen readers know it without extra work. */
export function SelectField({
  label,
  value,
  options,
  onValueChange,
  hint,
  id,
}: {
  label: string;
  value: string;
  options: SelectOption[];
  onValueChange: (value: string) => void;
  hint?: string;
  id?: string;
}) {
  const generated = useId();
  const selectId = id ?? `select-${generated}`;
  return (
    <div class="field">
      <label class="field__label" for={selectId}>
        {label}
      </label>
      {hint && (
        <p class="field__hint" id={`${selectId}-hint`}>
          {hint}
        </p>
      )}
      <select
        id={selectId}
        class="field__input"
        value={value}
        aria-describedby={describedBy([hint && `${selectId}-hint`])}
        onChange={(event) => onValueChange(event.currentTarget.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxField({ label, checked, onCheckedChange, hint }: { label: string; checked: boolean; onCheckedChange: (on: boolean) => void; hint?: string }) {
  const id = `check-${useId()}`;
  return (
    <div class="field field--check">
      <input id={id} type="checkbox" class="field__checkbox" checked={checked} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(event) => onCheckedChange(event.currentTarget.checked)} />
      <label class="field__label" for={id}>
        {label}
      </label>
      {hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A field for a date or a date and time (the browser's own picker, in the page language). */
export function DateField({ label, value, onValueChange, type, hint, error }: { label: string; value: string; onValueChange: (value: string) => void; type: 'date' | 'datetime-local'; hint?: string; error?: string }) {
  const { t } = useI18n();
  const id = `date-${useId()}`;
  return (
    <div class={error ? 'field field--invalid' : 'field'}>
      <label class="field__label" for={id}>
        {label}
      </label>
      {hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field__error" id={`${id}-error`}>
          <span class="field__error-prefix">{t('form.errorPrefix')}</span> {error}
        </p>
      )}
      <input
        id={id}
        type={type}
        class="field__input"
        value={value}
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy([hint && `${id}-hint`, error && `${id}-error`])}
        onInput={(event) => onValueChange(event.currentTarget.value)}
      />
    </div>
  );
}

/** Loads data for a section; `reload()` reads again (after an action). Errors become sentences. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const { t, has } = useI18n();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let current = true;
    loadRef
      .current()
      .then((answer) => {
        if (!current) return;
        setData(answer);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (current) setError(describeError({ error: failure, t, has }));
      });
    return () => {
      current = false;
    };
  }, [round, ...deps]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { data, error, reload };
}

/** The describeError of this page's language, for action failures. */
export function useDescribe() {
  const { t, has } = useI18n();
  return useCallback((error: unknown) => describeError({ error, t, has }), [t, has]);
}

/** Shown while a section's data has not arrived yet. */
export function Loading() {
  const { t } = useI18n();
  return (
    <p class="staff-loading" role="status">
      {t('staff.loading')}
    </p>
  );
}

/** A wide table in a focusable, labelled box that scrolls sideways on narrow screens (reflow, WCAG 1.4.10). */
export function TableBox({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
