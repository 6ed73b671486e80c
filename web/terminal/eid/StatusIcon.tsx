import type { JSX } from 'preact';
import { LineIcon } from '../../shared/components/Icon.tsx';
import type { WidgetState } from './AusweisAppStatus.tsx';

// One drawing per state, so the state is told by shape and text, never by colour alone. Drawn
// inline like the kit's icons (no files, nothing the Content-Security-Policy would block), lines
// in `currentColor` so they follow high contrast.
const shapes: Record<WidgetState, JSX.Element> = {
  // a card reader with a tick
  ready: (
    <>
      <rect x="3" y="10" width="18" height="10" rx="2" />
      <path d="M7 10V6h10v4M7 15h4" />
      <path d="M14 15l2 2 3.5-4" />
    </>
  ),
  // a card lying in the reader
  cardInserted: (
    <>
      <rect x="3" y="12" width="18" height="8" rx="2" />
      <rect x="6" y="3" width="12" height="11" rx="1.5" />
      <circle cx="10" cy="7.5" r="1.5" />
      <path d="M13 7h3M13 10h3" />
    </>
  ),
  // a reader, struck through
  noReader: (
    <>
      <rect x="3" y="10" width="18" height="10" rx="2" />
      <path d="M7 10V6h10v4" />
      <path d="M3 3l18 18" />
    </>
  ),
  // a power symbol: the program is off
  notRunning: (
    <>
      <path d="M12 3v8" />
      <path d="M7 6.5a7 7 0 1 0 10 0" />
    </>
  ),
  // an hourglass: please wait
  busy: (
    <>
      <path d="M6 3h12M6 21h12" />
      <path d="M7 3c0 5 10 5 10 9s-10 4-10 9M17 3c0 5-10 5-10 9s10 4 10 9" />
    </>
  ),
  // a magnifier: looking
  checking: (
    <>
      <circle cx="10.5" cy="10.5" r="6" />
      <path d="M15 15l5.5 5.5" />
    </>
  ),
};

/** Decorative: the status text beside it says the same, so screen readers skip it. */
export function StatusIcon({ state }: { state: WidgetState }) {
  return <LineIcon class="eid-status__icon">{shapes[state]}</LineIcon>;
}
