import type { ComponentChildren } from 'preact';

/*
 * Drawings for the illustrated steps. Inline SVG (no files, nothing the CSP has to allow), no
 * words inside (they would not follow the language switch), colours from CSS classes so high
 * contrast and forced colours repaint them. Purely decorative: the step text says everything.
 */

function Drawing({ children }: { children: ComponentChildren }) {
  return (
    <svg class="illu" viewBox="0 0 120 80" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round">
      {children}
    </svg>
  );
}

/** A document on screen and the two keys Ctrl and P. */
export function OpenAndPressPrint() {
  return (
    <Drawing>
      <rect x="8" y="6" width="62" height="44" rx="3" class="illu__surface" />
      <path d="M18 16h30M18 24h42M18 32h36M18 40h24" />
      <path d="M30 50v8M48 50v8M22 58h34" />
      <rect x="76" y="40" width="18" height="16" rx="3" class="illu__surface" />
      <rect x="98" y="40" width="16" height="16" rx="3" class="illu__accent" />
      <path d="M81 48h8M103 52v-8h4a2.5 2.5 0 0 1 0 5h-4" class="illu__on-accent" />
      <path d="M76 62h38" />
    </Drawing>
  );
}

/** A print dialog with the Druckpunkt printer picked from the list. */
export function ChoosePrinter() {
  return (
    <Drawing>
      <rect x="8" y="6" width="104" height="68" rx="4" class="illu__surface" />
      <rect x="18" y="16" width="84" height="12" rx="2" />
      <path d="M92 20l3 4 3-4" />
      <rect x="18" y="32" width="84" height="14" rx="2" class="illu__accent" />
      <path d="M24 39h4l3 4 6-8" class="illu__on-accent" />
      <path d="M42 39h44" class="illu__on-accent" />
      <path d="M24 56h50M24 64h36" />
    </Drawing>
  );
}

/** The print button pressed; the job goes to the printer. */
export function PressPrint() {
  return (
    <Drawing>
      <rect x="6" y="24" width="48" height="24" rx="5" class="illu__accent" />
      <path d="M18 36h24" class="illu__on-accent" />
      <path d="M40 44l8 16 3-7 7-3z" class="illu__surface" />
      <path d="M62 36h16M72 30l6 6-6 6" />
      <path d="M88 28v-14h20v14" />
      <rect x="82" y="28" width="32" height="20" rx="3" class="illu__surface" />
      <path d="M90 42h16v16H90z" class="illu__surface" />
    </Drawing>
  );
}

/** A person walking to the printer with the station beside it. */
export function GoToPrinter() {
  return (
    <Drawing>
      <circle cx="22" cy="16" r="6" />
      <path d="M22 22v22M22 30l-9 8M22 30l9 6M22 44l-8 18M22 44l8 18" />
      <path d="M42 40h14M50 34l6 6-6 6" />
      <path d="M72 30v-14h24v14" />
      <rect x="66" y="30" width="36" height="22" rx="3" class="illu__surface" />
      <path d="M74 46h20v18H74z" class="illu__surface" />
      <rect x="104" y="24" width="12" height="18" rx="2" class="illu__accent" />
    </Drawing>
  );
}

/** The station's keypad with the code being typed, and a QR code beside it. */
export function EnterCode() {
  return (
    <Drawing>
      <rect x="8" y="6" width="58" height="68" rx="4" class="illu__surface" />
      <rect x="14" y="12" width="46" height="12" rx="2" />
      <path d="M19 18h2M25 18h2M31 18h2" />
      {[0, 1, 2].map((row) =>
        [0, 1, 2].map((column) => <rect key={`${row}-${column}`} x={15 + column * 15} y={30 + row * 14} width="10" height="9" rx="2" class={row === 0 && column === 1 ? 'illu__accent' : undefined} />),
      )}
      <rect x="78" y="20" width="34" height="34" rx="2" class="illu__surface" />
      <path d="M82 24h8v8h-8zM100 24h8v8h-8zM82 42h8v8h-8zM96 38h4M104 42v8M96 48h4" />
    </Drawing>
  );
}

/** A finished print: pages in the tray with a check mark. */
export function TakePages() {
  return (
    <Drawing>
      <path d="M28 24v-14h40v14" />
      <rect x="18" y="24" width="60" height="26" rx="3" class="illu__surface" />
      <path d="M30 44h36v26H30z" class="illu__surface" />
      <path d="M36 54h24M36 62h16" />
      <circle cx="96" cy="40" r="16" class="illu__accent" />
      <path d="M88 40l6 6 10-12" class="illu__on-accent" />
    </Drawing>
  );
}

/** A file dragged onto the upload area. */
export function DropFile() {
  return (
    <Drawing>
      <rect x="10" y="20" width="100" height="52" rx="6" stroke-dasharray="6 5" class="illu__surface" />
      <path d="M52 8h16l6 6v22H52z" class="illu__surface" />
      <path d="M60 46v16M54 56l6 6 6-6" />
    </Drawing>
  );
}
