import type { Role, RuleValues } from './staff-api.ts';

/** The console's sections, in navigation order; admin sections are not even listed for staff. */
export const SECTIONS = [
  { id: 'overview', admin: false },
  { id: 'jobs', admin: false },
  { id: 'lost-code', admin: false },
  { id: 'vouchers', admin: false },
  { id: 'rules', admin: true },
  { id: 'users', admin: true },
  { id: 'audit', admin: true },
  { id: 'stats', admin: true },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

export function sectionsFor(role: Role): SectionId[] {
  return SECTIONS.filter((section) => role === 'admin' || !section.admin).map((section) => section.id);
}

/** `#/jobs` → 'jobs'; anything unknown or not allowed for the role → the overview. */
export function sectionFromHash(hash: string, role: Role): SectionId {
  const id = hash.replace(/^#\/?/, '');
  return (sectionsFor(role) as string[]).includes(id) ? (id as SectionId) : 'overview';
}

/** True for addresses that name a section (`#/…`); other fragments (the skip link's `#main`) are not navigation. */
export function isSectionHash(hash: string): boolean {
  return hash.startsWith('#/');
}

const pad = (value: number) => String(value).padStart(2, '0');

/** A time as the value of `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A day as the value of `<input type="date">` (local). */
export function toDayInput(at: Date): string {
  return toLocalInput(at).slice(0, 10);
}

/** The lost-code window people mean most often: the last two hours until now. */
export function defaultLostCodeWindow(now: Date): { from: string; to: string } {
  return { from: toLocalInput(new Date(now.getTime() - 2 * 3_600_000)), to: toLocalInput(now) };
}

/** The six-digit release code in two groups ("123 456"), as on the terminal. */
export function groupCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

/** Weekday 1 (Monday) … 7 (Sunday) in the page's language. */
export function weekdayName(weekday: number, locale: string, style: 'long' | 'short' = 'long'): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));
}

export type RuleField = keyof RuleValues;
export type RuleForm = Record<Exclude<RuleField, 'scansCounted'>, string> & { scansCounted: boolean };
/** Why a field was refused; the page turns it into a sentence. */
export type RuleProblem = { kind: 'whole'; max: number } | { kind: 'factor' };

const LIMITS: Record<Exclude<RuleField, 'scansCounted' | 'colorFactor'>, { max: number; optional: boolean }> = {
  pagesPerSession: { max: 10_000, optional: false },
  pagesPerTerminalPerDay: { max: 100_000, optional: false },
  pagesPerSitePerDay: { max: 1_000_000, optional: false },
  pagesPerSitePerWeek: { max: 1_000_000, optional: true },
  pagesPerSitePerMonth: { max: 10_000_000, optional: true },
};

export function ruleFormOf(values: RuleValues): RuleForm {
  const text = (value: number | null) => (value === null ? '' : String(value));
  return {
    pagesPerSession: text(values.pagesPerSession),
    pagesPerTerminalPerDay: text(values.pagesPerTerminalPerDay),
    pagesPerSitePerDay: text(values.pagesPerSitePerDay),
    pagesPerSitePerWeek: text(values.pagesPerSitePerWeek),
    pagesPerSitePerMonth: text(values.pagesPerSitePerMonth),
    colorFactor: String(values.colorFactor),
    scansCounted: values.scansCounted,
  };
}

/**
 * Checks the rules form as the server will (whole numbers in range; week and month may stay empty
 * for "no limit"; the colour factor 1–10, comma or point). Returns the values or the problems.
 */
export function validateRuleForm(form: RuleForm): { values: RuleValues; problems: null } | { values: null; problems: Partial<Record<RuleField, RuleProblem>> } {
  const problems: Partial<Record<RuleField, RuleProblem>> = {};
  const whole: Partial<Record<RuleField, number | null>> = {};
  for (const [field, { max, optional }] of Object.entries(LIMITS) as Array<[keyof typeof LIMITS, { max: number; optional: boolean }]>) {
    const raw = form[field].trim();
    if (raw === '' && optional) {
      whole[field] = null;
      continue;
    }
    const number = /^\d+$/.test(raw) ? Number.parseInt(raw, 10) : Number.NaN;
    if (!Number.isSafeInteger(number) || number > max) problems[field] = { kind: 'whole', max };
    else whole[field] = number;
  }
  const factor = Number.parseFloat(form.colorFactor.trim().replace(',', '.'));
  if (!/^\d+([.,]\d+)?$/.test(form.colorFactor.trim()) || !(factor >= 1 && factor <= 10)) problems.colorFactor = { kind: 'factor' };
  if (Object.keys(problems).length > 0) return { values: null, problems };
  return {
    values: {
      pagesPerSession: whole.pagesPerSession as number,
      pagesPerTerminalPerDay: whole.pagesPerTerminalPerDay as number,
      pagesPerSitePerDay: whole.pagesPerSitePerDay as number,
      pagesPerSitePerWeek: whole.pagesPerSitePerWeek ?? null,
      pagesPerSitePerMonth: whole.pagesPerSitePerMonth ?? null,
      colorFactor: factor,
      scansCounted: form.scansCounted,
    },
    problems: null,
  };
}

/** Staff user names as the server accepts them. */
export const USER_NAME_PATTERN = /^[\p{L}\p{N}._-]{1,40}$/u;
export const MIN_PASSWORD_LENGTH = 10;
