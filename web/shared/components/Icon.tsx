import type { ComponentChildren, JSX } from 'preact';
import './illustrated.css';

/**
 * A small built-in icon set, drawn inline (no files, no icon font: the kiosk may be offline from
 * everything but Druckpunkt, and the Content-Security-Policy allows no foreign images). Lines use
 * `currentColor`, so icons follow the text colour in high contrast and forced colours.
 * Config files name icons by these keys (`site.quickLinks[].icon`); unknown names get `link`.
 */
const paths: Record<string, JSX.Element> = {
  calendar: (
    <>
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M3 10h18M8 3v4M16 3v4M7 14h2M11 14h2M15 14h2M7 17h2M11 17h2" />
    </>
  ),
  city: (
    <>
      <path d="M3 21h18M5 21V9l4-3v15M9 21V4h6v17M15 21V10h4v11" />
      <path d="M11.5 7h1M11.5 10h1M11.5 13h1M11.5 16h1M6.5 12h1M6.5 15h1M16.5 13h1M16.5 16h1" />
    </>
  ),
  work: (
    <>
      <rect x="3" y="7" width="18" height="13" rx="2" />
      <path d="M9 7V5a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2M3 12h18M11 12v2h2v-2" />
    </>
  ),
  tax: (
    <>
      <path d="M6 3h9l4 4v14H6z" />
      <path d="M15 3v4h4M9 17l6-6" />
      <circle cx="9.5" cy="11.5" r="1" />
      <circle cx="14.5" cy="16.5" r="1" />
    </>
  ),
  info: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 11v6M12 7.5v.5" />
    </>
  ),
  'id-card': (
    <>
      <rect x="2" y="5" width="20" height="14" rx="2" />
      <circle cx="8" cy="11" r="2.2" />
      <path d="M4.8 16.5c.6-1.8 1.8-2.7 3.2-2.7s2.6.9 3.2 2.7M14 10h5M14 13h5M14 16h3" />
    </>
  ),
  bank: (
    <>
      <path d="M3 9l9-5 9 5M4 9h16M3 21h18M5 19h14" />
      <path d="M6 10v8M10 10v8M14 10v8M18 10v8" />
    </>
  ),
  health: (
    <>
      <rect x="3" y="3" width="18" height="18" rx="3" />
      <path d="M12 7v10M7 12h10" />
    </>
  ),
  family: (
    <>
      <circle cx="8" cy="6" r="2.5" />
      <circle cx="16" cy="6" r="2.5" />
      <circle cx="12" cy="12" r="2" />
      <path d="M4 21v-6a4 4 0 0 1 8 0M12 15a4 4 0 0 1 8 0v6M9 21v-3a3 3 0 0 1 6 0v3" />
    </>
  ),
  house: (
    <>
      <path d="M3 11l9-7 9 7M5 9.5V21h14V9.5" />
      <path d="M10 21v-6h4v6" />
    </>
  ),
  education: (
    <>
      <path d="M2 9l10-5 10 5-10 5z" />
      <path d="M6 11v5c0 1.5 3 3 6 3s6-1.5 6-3v-5M22 9v6" />
    </>
  ),
  transport: (
    <>
      <rect x="4" y="3" width="16" height="15" rx="3" />
      <path d="M4 11h16M8 21l1.5-3M16 21l-1.5-3" />
      <circle cx="8" cy="14.5" r="1" />
      <circle cx="16" cy="14.5" r="1" />
    </>
  ),
  phone: <path d="M6 3h3l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v3a3 3 0 0 1-3 3A15 15 0 0 1 3 6a3 3 0 0 1 3-3z" />,
  mail: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="M3 7l9 6 9-6" />
    </>
  ),
  document: (
    <>
      <path d="M6 3h9l4 4v14H6z" />
      <path d="M15 3v4h4M9 12h6M9 15h6M9 18h4" />
    </>
  ),
  printer: (
    <>
      <path d="M7 9V3h10v6" />
      <rect x="3" y="9" width="18" height="8" rx="2" />
      <path d="M7 14h10v7H7z" />
    </>
  ),
  upload: (
    <>
      <path d="M12 16V4M7 9l5-5 5 5" />
      <path d="M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" />
    </>
  ),
  list: (
    <>
      <path d="M9 6h12M9 12h12M9 18h12" />
      <path d="M4 6h1M4 12h1M4 18h1" />
    </>
  ),
  scan: (
    <>
      <path d="M3 8V4h4M17 4h4v4M21 16v4h-4M7 20H3v-4" />
      <path d="M7 12h10" />
    </>
  ),
  logout: (
    <>
      <path d="M14 4h5a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1h-5" />
      <path d="M10 16l-4-4 4-4M6 12h10" />
    </>
  ),
  link: (
    <>
      <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
      <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
    </>
  ),
};

/** The icon names this build knows (for docs and the config check). */
export const iconNames = Object.keys(paths);

export type IconProps = {
  name: string | undefined;
  /** Extra class for size and colour; icons are 1.5em square by default. */
  class?: string;
};

/** The frame every line drawing of the product shares: 24×24, `currentColor` lines, decorative. */
export function LineIcon({ class: className, children }: { class: string; children: ComponentChildren }) {
  return (
    <svg
      class={className}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      {children}
    </svg>
  );
}

/** A decorative icon: always beside a visible text, so it is hidden from screen readers. */
export function Icon({ name, class: extra }: IconProps) {
  const shape = (name !== undefined ? paths[name] : undefined) ?? paths.link;
  return <LineIcon class={['icon', extra].filter(Boolean).join(' ')}>{shape}</LineIcon>;
}
