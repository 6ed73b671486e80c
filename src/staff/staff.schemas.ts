import { z } from 'zod';

// Every response schema lists its fields explicitly: the serializer drops anything else, so a
// document name (or code) cannot reach the console by accident. No schema here has a field for one,
// except the lost-code lookup, which exists to show the code (audited).

const iso = z.string();
const siteId = z.string().min(1).max(40);

export const SiteQuery = z.object({ siteId: siteId.optional() });
export const IdParams = z.object({ id: z.coerce.number().int().positive() });
export const SiteParams = z.object({ siteId });

export const LoginBody = z.object({ name: z.string().min(1).max(40), password: z.string().min(1).max(200) }).strict();

export const UserView = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(['admin', 'staff']),
  disabled: z.boolean(),
  lockedUntil: iso.nullable(),
  createdAt: iso,
});

export const MeView = z.object({
  user: z.object({ id: z.number().int(), name: z.string(), role: z.enum(['admin', 'staff']) }),
  /** Send back in `x-csrf-token` on every POST/PUT/DELETE. */
  csrfToken: z.string(),
});

export const ReadinessView = z.object({
  ready: z.boolean(),
  state: z.enum(['idle', 'processing', 'stopped', 'unreachable']),
  reasons: z.array(z.string()),
  blocking: z.array(z.string()),
});

export const DashboardView = z.object({
  sites: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      jobsWaiting: z.number().int(),
      printers: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          readiness: ReadinessView,
          /** Jobs of the site waiting for release (any printer of the site can print them). */
          jobsWaiting: z.number().int(),
          jobsPrinting: z.number().int(),
          lastError: z.object({ state: z.string(), reason: z.string().nullable(), at: iso }).nullable(),
          /** Code entry at this station is locked after too many wrong codes (the staff alert), until then. */
          codeEntryLockedUntil: iso.nullable(),
        }),
      ),
      scanners: z.array(z.object({ id: z.string(), name: z.string() })),
    }),
  ),
});

export const PrintersView = z.object({
  sites: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      printers: z.array(z.object({ id: z.string(), name: z.string(), driver: z.string(), color: z.boolean(), duplex: z.boolean(), readiness: ReadinessView })),
      scanners: z.array(z.object({ id: z.string(), name: z.string(), driver: z.string() })),
    }),
  ),
});

export const HeldJobView = z.object({
  id: z.number().int(),
  sessionId: z.string(),
  state: z.enum(['incoming', 'held', 'processing', 'completed', 'aborted', 'canceled']),
  source: z.enum(['ipp', 'upload']),
  createdAt: iso,
  expiresAt: iso,
  pages: z.number().int(),
  copies: z.number().int(),
  colorMode: z.enum(['color', 'monochrome']),
  sides: z.string(),
  /** Quota pages the job costs under the current rules. */
  cost: z.number().int(),
  /** Pages the job's session is short of (0: it can print). */
  missingPages: z.number().int(),
  /** Staff allowed this job to print beyond the quota. */
  quotaOverride: z.boolean(),
});

export const HeldJobsView = z.object({
  siteId: z.string(),
  terminals: z.array(
    z.object({
      terminalId: z.string(),
      terminalName: z.string(),
      sessions: z.array(z.object({ sessionId: z.string(), availablePages: z.number().int() })),
      jobs: z.array(HeldJobView),
    }),
  ),
});

export const LostCodeBody = z
  .object({
    siteId: siteId.optional(),
    terminalId: z.string().min(1).max(40),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    reason: z.enum(['citizen-lost-code', 'citizen-closed-page', 'other']),
  })
  .strict();

export const LostCodeView = z.object({
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      startedAt: iso,
      endedAt: iso.nullable(),
      jobsWaiting: z.number().int(),
      /** The release code, only while it can still release jobs; shown once per (audited) lookup. */
      code: z.string().nullable(),
    }),
  ),
});

export const GRANT_REASONS = ['job-application', 'authority-letter', 'misprint', 'other'] as const;

export const GrantBody = z.discriminatedUnion('target', [
  z.object({ target: z.literal('session'), sessionId: z.string().min(1).max(64), pages: z.number().int().min(1).max(500), reason: z.enum(GRANT_REASONS) }).strict(),
  z.object({ target: z.literal('job'), jobId: z.number().int().positive(), reason: z.enum(GRANT_REASONS) }).strict(),
]);

export const GrantResult = z.object({
  target: z.enum(['session', 'job']),
  sessionId: z.string(),
  jobId: z.number().int().nullable(),
  pagesGranted: z.number().int().nullable(),
  availablePages: z.number().int(),
});

export const VoucherView = z.object({
  id: z.number().int(),
  siteId: z.string(),
  pages: z.number().int(),
  expiresAt: iso,
  createdBy: z.string(),
  createdAt: iso,
  state: z.enum(['open', 'redeemed', 'expired', 'revoked']),
  redeemedAt: iso.nullable(),
});

export const CreateVoucherBody = z
  .object({ siteId: siteId.optional(), pages: z.number().int().min(1).max(200), validDays: z.number().int().min(1).max(366).default(30) })
  .strict();

export const CreatedVoucherView = z.object({
  voucher: VoucherView,
  /** The code, shown only in this response and on the slip. */
  code: z.string(),
  /** Printable slip (HTML); works once, within 10 minutes. */
  slipUrl: z.string(),
});

export const VoucherList = z.object({ vouchers: z.array(VoucherView) });

export const RuleValues = z
  .object({
    pagesPerSession: z.number().int().min(0).max(10_000),
    pagesPerTerminalPerDay: z.number().int().min(0).max(100_000),
    pagesPerSitePerDay: z.number().int().min(0).max(1_000_000),
    pagesPerSitePerWeek: z.number().int().min(0).max(1_000_000).nullable(),
    pagesPerSitePerMonth: z.number().int().min(0).max(10_000_000).nullable(),
    colorFactor: z.number().min(1).max(10),
    scansCounted: z.boolean(),
  })
  .strict();

export const RulesView = RuleValues.extend({ siteId: z.string(), version: z.number().int(), changedBy: z.string(), changedAt: iso.nullable() }).strip();

export const RulesResponse = z.object({ current: RulesView, history: z.array(RulesView) });

export const CreateUserBody = z
  .object({
    name: z.string().regex(/^[\p{L}\p{N}._-]{1,40}$/u, 'letters, digits, dot, dash, underscore; up to 40'),
    role: z.enum(['admin', 'staff']),
    password: z.string().min(10).max(200),
  })
  .strict();

export const PasswordBody = z.object({ password: z.string().min(10).max(200) }).strict();

export const UserList = z.object({ users: z.array(UserView) });

export const AuditQuery = z.object({ beforeId: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export const AuditView = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: iso,
      userName: z.string(),
      action: z.string(),
      siteId: z.string().nullable(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    }),
  ),
});

export const CanceledView = z.object({ jobId: z.number().int(), state: z.string() });
