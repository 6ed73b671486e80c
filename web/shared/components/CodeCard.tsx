import type { ComponentChildren } from 'preact';
import { groupedCode, spokenDigits } from '../code-display.ts';
import './code-card.css';

/**
 * A code to take along: heading, the code in very large digits (read digit by digit), what to
 * do with it, and the QR beside it. The terminal's release code and the station's pickup code.
 */
export function CodeCard({
  id,
  title,
  code,
  codeTestId,
  qrSrc,
  qrAlt,
  class: extra,
  children,
}: {
  id: string;
  title: string;
  code: string;
  codeTestId: string;
  qrSrc: string;
  qrAlt: string;
  class?: string;
  children?: ComponentChildren;
}) {
  return (
    <section class={['code-card', extra].filter(Boolean).join(' ')} aria-labelledby={id}>
      <div class="code-card__text">
        <h2 id={id}>{title}</h2>
        {/* Left to right in Arabic too: the groups must read like the keypad and the field. */}
        <p class="code-card__digits" dir="ltr">
          <span role="img" aria-label={spokenDigits(code)} data-testid={codeTestId}>
            {groupedCode(code)}
          </span>
        </p>
        {children}
      </div>
      <img class="code-card__qr" src={qrSrc} alt={qrAlt} width={180} height={180} />
    </section>
  );
}
