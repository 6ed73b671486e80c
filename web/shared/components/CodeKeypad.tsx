import { useId } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider.tsx';

export type CodeKeypadProps = {
  /** The digits entered so far. */
  value: string;
  /** How many digits the code has. */
  length: number;
  /** Visible name of the code ("Ihr Code"), shown above the boxes. */
  label: string;
  onDigit: (digit: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  /** While true, presses are ignored (not disabled: a disabled button would drop the focus). */
  busy?: boolean;
};

const digitRows = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
] as const;

/**
 * A large telephone-style keypad (3×4, keys ≥ 64 px) with one box per digit of the code. Touch
 * first; keyboard users get real buttons in reading order, and the page may also feed typed
 * digits into `onDigit`. The keypad and the boxes stay left-to-right in Arabic, like the keypad
 * of a phone or a cash machine.
 */
export function CodeKeypad({ value, length, label, onDigit, onBackspace, onClear, busy = false }: CodeKeypadProps) {
  const { t } = useI18n();
  const labelId = `keypad-${useId()}`;
  const guard = (action: () => void) => () => {
    if (!busy) action();
  };
  const boxes = Array.from({ length }, (_, index) => value[index] ?? '');
  return (
    <div class="code-keypad" aria-busy={busy ? 'true' : undefined}>
      <p class="code-keypad__label" id={labelId}>
        {label}
      </p>
      <div class="code-keypad__boxes" dir="ltr" aria-hidden="true">
        {boxes.map((digit, index) => (
          <span key={index} class={index === value.length ? 'code-keypad__box code-keypad__box--next' : 'code-keypad__box'}>
            {digit}
          </span>
        ))}
      </div>
      <output class="visually-hidden" aria-live="polite">
        {value.length === 0 ? t('keypad.empty') : t('keypad.entered', { count: value.length, total: length, digits: value.split('').join(' ') })}
      </output>
      <div class="code-keypad__keys" dir="ltr" role="group" aria-labelledby={labelId}>
        {digitRows.flat().map((digit) => (
          <button key={digit} type="button" class="button button--secondary code-keypad__key" onClick={guard(() => onDigit(digit))}>
            {digit}
          </button>
        ))}
        <button type="button" class="button button--secondary code-keypad__key code-keypad__key--word" onClick={guard(onClear)}>
          {t('keypad.clear')}
        </button>
        <button type="button" class="button button--secondary code-keypad__key" onClick={guard(() => onDigit('0'))}>
          0
        </button>
        <button type="button" class="button button--secondary code-keypad__key code-keypad__key--word" onClick={guard(onBackspace)}>
          <span aria-hidden="true">⌫</span>
          {t('keypad.backspace')}
        </button>
      </div>
    </div>
  );
}
