import { ApiError, apiFetch } from '../shared/api.ts';

// Types of the staff API's answers (src/staff/staff.schemas.ts, src/stats/stats.schemas.ts). None
// of them has a field for a document name: the console cannot show one even by mistake.

export type Role = 'admin' | 'staff';
export type Me = { user: { id: number; name: string; role: Role }; csrfToken: string };

export type Readiness = { ready: boolean; state: 'idle' | 'processing' | 'stopped' | 'unreachable'; reasons: string[]; blocking: string[] };

export type Dashboard = {
  sites: Array<{
    id: string;
    name: string;
    jobsWaiting: number;
    printers: Array<{
      id: string;
      name: string;
      readiness: Readiness;
      jobsWaiting: number;
      jobsPrinting: number;
      lastError: { state: string; reason: string | null; at: string } | null;
      codeEntryLockedUntil: string | null;
    }>;
    scanners: Array<{ id: string; name: string }>;
  }>;
};

export type HeldJob = {
  id: number;
  sessionId: string;
  state: 'incoming' | 'held' | 'processing' | 'completed' | 'aborted' | 'canceled';
  source: 'ipp' | 'upload';
  createdAt: string;
  expiresAt: string;
  pages: number;
  copies: number;
  colorMode: 'color' | 'monochrome';
  sides: string;
  cost: number;
  missingPages: number;
  quotaOverride: boolean;
};

export type HeldJobs = {
  siteId: string;
  terminals: Array<{ terminalId: string; terminalName: string; sessions: Array<{ sessionId: string; availablePages: number }>; jobs: HeldJob[] }>;
};

export const GRANT_REASONS = ['job-application', 'authority-letter', 'misprint', 'other'] as const;
export type GrantReason = (typeof GRANT_REASONS)[number];
export const LOST_CODE_REASONS = ['citizen-lost-code', 'citizen-closed-page', 'other'] as const;
export type LostCodeReason = (typeof LOST_CODE_REASONS)[number];

export type LostCodeAnswer = {
  sessions: Array<{ sessionId: string; startedAt: string; endedAt: string | null; jobsWaiting: number; code: string | null }>;
};

export type Voucher = {
  id: number;
  siteId: string;
  pages: number;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  state: 'open' | 'redeemed' | 'expired' | 'revoked';
  redeemedAt: string | null;
};
export type CreatedVoucher = { voucher: Voucher; code: string; slipUrl: string };

export type RuleValues = {
  pagesPerSession: number;
  pagesPerTerminalPerDay: number;
  pagesPerSitePerDay: number;
  pagesPerSitePerWeek: number | null;
  pagesPerSitePerMonth: number | null;
  colorFactor: number;
  scansCounted: boolean;
};
export type Rules = RuleValues & { siteId: string; version: number; changedBy: string; changedAt: string | null };

export type StaffUser = { id: number; name: string; role: Role; disabled: boolean; lockedUntil: string | null; createdAt: string };

export type AuditEntry = {
  id: number;
  at: string;
  userName: string;
  action: string;
  siteId: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, string | number | boolean | null>;
};

export type MetricTotals = Record<string, number>;
export type Stats = {
  siteId: string | null;
  from: string;
  to: string;
  totals: MetricTotals;
  byDay: Array<{ day: string; totals: MetricTotals }>;
  byHour: Array<{ hour: number; totals: MetricTotals }>;
  byWeekday: Array<{ weekday: number; name: string; totals: MetricTotals }>;
  byTerminal: Array<{ siteId: string; terminalId: string | null; totals: MetricTotals }>;
};
/** Days as YYYY-MM-DD; left out, the server picks the last 30 days. */
export type StatsQuery = { site?: string; from?: string; to?: string };

/** The error code of an ended or missing staff session (idle timeout, logged out elsewhere). */
export const NOT_LOGGED_IN = 'staff.not_logged_in';

const base = '/api/staff';

function statsSearch({ site, from, to }: StatsQuery) {
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (site) params.set('site', site);
  return params.toString();
}

/** The address of the CSV export for a period (a plain GET: the browser downloads it with the session cookie). */
export function statsCsvUrl(query: StatsQuery): string {
  return `${base}/stats.csv?${statsSearch(query)}`;
}

/**
 * The console's calls. Every state-changing call carries the session's CSRF token; any answer
 * "not logged in" (the server's idle timeout) is reported once through `onLoggedOut`.
 */
export function createStaffApi({ onLoggedOut }: { onLoggedOut: () => void }) {
  let csrfToken = '';

  async function call<T>(path: string, options: { method?: 'GET' | 'POST' | 'PUT'; body?: unknown } = {}): Promise<T> {
    const unsafe = (options.method ?? (options.body === undefined ? 'GET' : 'POST')) !== 'GET';
    try {
      return await apiFetch<T>(`${base}${path}`, { ...options, headers: unsafe ? { 'x-csrf-token': csrfToken } : {} });
    } catch (error) {
      if (error instanceof ApiError && error.code === NOT_LOGGED_IN && csrfToken !== '') {
        csrfToken = '';
        onLoggedOut();
      }
      throw error;
    }
  }

  const remember = (me: Me) => {
    csrfToken = me.csrfToken;
    return me;
  };

  return {
    /** The current session, or null when nobody is logged in in this browser. */
    async me(): Promise<Me | null> {
      try {
        return remember(await apiFetch<Me>(`${base}/me`));
      } catch (error) {
        if (error instanceof ApiError && error.code === NOT_LOGGED_IN) return null;
        throw error;
      }
    },
    login: async (name: string, password: string) => remember(await apiFetch<Me>(`${base}/login`, { body: { name, password } })),
    async logout() {
      try {
        await call<void>('/logout', { method: 'POST' });
      } finally {
        csrfToken = '';
      }
    },
    dashboard: () => call<Dashboard>('/dashboard'),
    jobs: () => call<HeldJobs>('/jobs'),
    cancelJob: (id: number) => call<{ jobId: number; state: string }>(`/jobs/${id}/cancel`, { method: 'POST' }),
    grantJob: (jobId: number, reason: GrantReason) => call<{ availablePages: number }>('/grants', { body: { target: 'job', jobId, reason } }),
    grantSession: (sessionId: string, pages: number, reason: GrantReason) =>
      call<{ availablePages: number }>('/grants', { body: { target: 'session', sessionId, pages, reason } }),
    lostCode: (body: { terminalId: string; from: string; to: string; reason: LostCodeReason; siteId?: string }) => call<LostCodeAnswer>('/lost-code', { body }),
    vouchers: () => call<{ vouchers: Voucher[] }>('/vouchers'),
    createVoucher: (pages: number, validDays: number) => call<CreatedVoucher>('/vouchers', { body: { pages, validDays } }),
    revokeVoucher: (id: number) => call<Voucher>(`/vouchers/${id}/revoke`, { method: 'POST' }),
    rules: (siteId?: string) => call<{ current: Rules; history: Rules[] }>(`/quota-rules${siteId ? `?siteId=${encodeURIComponent(siteId)}` : ''}`),
    saveRules: (siteId: string, values: RuleValues) => call<{ current: Rules; history: Rules[] }>(`/quota-rules/${encodeURIComponent(siteId)}`, { method: 'PUT', body: values }),
    users: () => call<{ users: StaffUser[] }>('/users'),
    createUser: (body: { name: string; role: Role; password: string }) => call<StaffUser>('/users', { body }),
    setUserDisabled: (id: number, disabled: boolean) => call<StaffUser>(`/users/${id}/${disabled ? 'disable' : 'enable'}`, { method: 'POST' }),
    audit: (beforeId?: number) => call<{ entries: AuditEntry[] }>(`/audit?limit=50${beforeId ? `&beforeId=${beforeId}` : ''}`),
    stats: (query: StatsQuery) => call<Stats>(`/stats?${statsSearch(query)}`),
  };
}

export type StaffApi = ReturnType<typeof createStaffApi>;
