import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config, SiteConfig } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { Logger } from '../shared/logger.ts';
import { createValidationError } from '../shared/errors.ts';
import type { SpoolService } from '../spool/spool.usecases.ts';
import type { PrintJob } from '../spool/spool.models.ts';
import type { ReleaseService } from '../release/release.usecases.ts';
import { createReleaseRepository } from '../release/release.repository.ts';
import type { StatsRecorder } from '../stats/stats.usecases.ts';
import type { Readiness } from '../release/printers/printer-driver.ts';
import { accountsFor, costOf, createLedger } from '../quota/ledger.ts';
import { createQuotaRules, type QuotaRules } from '../quota/quota-rules.ts';
import { createJobOverrides } from '../quota/job-overrides.ts';
import { createVouchers, formatVoucherCode } from '../quota/vouchers.ts';
import type { Voucher } from '../quota/quota.repository.ts';
import type { QuotaRuleSet } from '../quota/quota.models.ts';
import { createStaffRepository, type StaffUser } from './staff.repository.ts';
import { createAuditLog, createStaffAccounts, type StaffAccounts } from './staff.usecases.ts';
import { principalOf, requireRole, STAFF_COOKIE, type Access } from './staff.auth.ts';
import { renderVoucherSlip } from './voucher-slip.ts';
import {
  createJobNotGrantableError,
  createSessionNotFoundError,
  createSiteNotFoundError,
  createSlipGoneError,
} from './staff.errors.ts';
import {
  AuditQuery,
  AuditView,
  CanceledView,
  CreatedVoucherView,
  CreateUserBody,
  CreateVoucherBody,
  DashboardView,
  GrantBody,
  GrantResult,
  HeldJobsView,
  IdParams,
  LoginBody,
  LostCodeBody,
  LostCodeView,
  MeView,
  PasswordBody,
  PrintersView,
  RulesResponse,
  RuleValues,
  SiteParams,
  SiteQuery,
  UserList,
  UserView,
  VoucherList,
  VoucherView,
} from './staff.schemas.ts';

/**
 * Who may call each staff route, relative to the plugin's prefix. Every route the plugin
 * registers must be listed here (registration fails otherwise): access is declared, not
 * remembered per handler. 'staff' means any logged-in member; 'admin' only admins.
 */
export const STAFF_ROUTES = {
  'POST /login': 'public',
  'POST /logout': 'staff',
  'GET /me': 'staff',
  'GET /dashboard': 'staff',
  'GET /jobs': 'staff',
  'POST /jobs/:id/cancel': 'staff',
  'POST /lost-code': 'staff',
  'POST /grants': 'staff',
  'GET /vouchers': 'staff',
  'POST /vouchers': 'staff',
  'GET /vouchers/:id/slip': 'staff',
  'POST /vouchers/:id/revoke': 'staff',
  'GET /printers': 'admin',
  'GET /quota-rules': 'admin',
  'PUT /quota-rules/:siteId': 'admin',
  'GET /users': 'admin',
  'POST /users': 'admin',
  'POST /users/:id/disable': 'admin',
  'POST /users/:id/enable': 'admin',
  'POST /users/:id/password': 'admin',
  'GET /audit': 'admin',
} as const satisfies Record<string, Access>;

export type StaffRoutesOptions = {
  config: Config;
  db: Db;
  clock: Clock;
  random: Random;
  logger: Logger;
  spool: SpoolService;
  release: ReleaseService;
  /** Keys voucher code hashes: `deriveVoucherPepper(masterKey)`. */
  voucherPepper: Buffer;
  /** Shared with release when given; otherwise built over the same database. */
  quotaRules?: QuotaRules;
  /** Built from `db` when not given (tests and the CLI share one). */
  accounts?: StaffAccounts;
  /** Anonymous statistics: grants and vouchers handed out are counted for the evaluation. */
  stats?: Pick<StatsRecorder, 'record'>;
};

/** A slip can be printed within this time after creating the voucher, once. */
const SLIP_TTL_MS = 10 * 60_000;
const READINESS_TIMEOUT_MS = 5000;
/** Longest window of the lost-code lookup: a working day is enough, and it keeps answers few. */
const LOST_CODE_MAX_WINDOW_MS = 24 * 3_600_000;

const isoOf = (at: number) => new Date(at).toISOString();
const isoOrNull = (at: number | null) => (at === null ? null : isoOf(at));

/**
 * The staff console's API. Responses carry ids, counts and times — never a document name or
 * content; every state-changing action is written to the audit log.
 */
export async function staffRoutes(fastify: FastifyInstance, options: StaffRoutesOptions) {
  const { config, db, clock, random, logger, spool, release, voucherPepper } = options;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const audit = createAuditLog({ db, clock });
  const accounts = options.accounts ?? createStaffAccounts({ db, clock, random, logger, audit });
  const quotaRules = options.quotaRules ?? createQuotaRules({ db, config });
  const ledger = createLedger({ db });
  const jobOverrides = createJobOverrides({ db, ledger });
  const vouchers = createVouchers({ db, ledger, pepper: voucherPepper, clock, random });
  const repo = createStaffRepository({ db });
  // Codes of just-created vouchers, for their one slip; memory only, never stored.
  const slips = new Map<number, { code: string; until: number }>();

  const prefix = fastify.prefix;
  app.addHook('onRoute', (route) => {
    const method = route.method === 'HEAD' ? 'GET' : String(route.method);
    const key = `${method} ${route.url.slice(prefix.length)}`;
    const access = (STAFF_ROUTES as Record<string, Access>)[key];
    if (!access) throw new Error(`staff route ${key} has no access rule in STAFF_ROUTES`);
    const guard = requireRole(access, accounts);
    route.onRequest = route.onRequest ? [guard, ...[route.onRequest].flat()] : [guard];
  });

  function siteOf(siteId: string | undefined): SiteConfig {
    const site = siteId === undefined ? config.sites[0] : config.sites.find((s) => s.id === siteId);
    if (!site) throw createSiteNotFoundError();
    return site;
  }

  async function readinessOf(printerId: string): Promise<Readiness> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Readiness>((resolve) => {
      timer = setTimeout(() => resolve({ ready: false, state: 'unreachable', reasons: ['timeout'], blocking: ['timeout'] }), READINESS_TIMEOUT_MS);
    });
    try {
      return await Promise.race([release.readiness(printerId), timeout]);
    } catch {
      return { ready: false, state: 'unreachable', reasons: ['unreachable'], blocking: ['unreachable'] };
    } finally {
      clearTimeout(timer);
    }
  }

  const waiting = (job: PrintJob, now: number) => (job.state === 'held' || job.state === 'aborted') && job.expiresAt > now;

  function availableOf({ rules, sessionId, terminalId }: { rules: QuotaRuleSet; sessionId: string; terminalId: string }) {
    return ledger.available({ siteId: rules.siteId, accounts: accountsFor({ rules, sessionId, terminalId, at: clock.now() }) });
  }

  function voucherView(voucher: Voucher) {
    const now = clock.now();
    const state = voucher.revokedAt !== null ? 'revoked' : voucher.redeemedAt !== null ? 'redeemed' : voucher.expiresAt <= now ? 'expired' : 'open';
    return {
      id: voucher.id,
      siteId: voucher.siteId,
      pages: voucher.pages,
      expiresAt: isoOf(voucher.expiresAt),
      createdBy: voucher.createdBy,
      createdAt: isoOf(voucher.createdAt),
      state,
      redeemedAt: isoOrNull(voucher.redeemedAt),
    } as const;
  }

  function userView(user: StaffUser) {
    const now = clock.now();
    return {
      id: user.id,
      name: user.name,
      role: user.role,
      disabled: user.disabled,
      lockedUntil: user.lockedUntil !== null && user.lockedUntil > now ? isoOf(user.lockedUntil) : null,
      createdAt: isoOf(user.createdAt),
    };
  }

  function rulesView(rules: QuotaRuleSet) {
    return { ...rules, changedAt: isoOrNull(rules.changedAt) };
  }

  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  // --- session -------------------------------------------------------------------------------

  app.post('/login', { schema: { body: LoginBody, response: { 200: MeView } } }, async (request, reply) => {
    const { sessionId, principal } = await accounts.login(request.body);
    reply.setCookie(STAFF_COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
    noStore(reply);
    return { user: principal.user, csrfToken: principal.csrfToken };
  });

  app.post('/logout', async (request, reply) => {
    accounts.logout({ principal: principalOf(request) });
    reply.clearCookie(STAFF_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/me', { schema: { response: { 200: MeView } } }, async (request, reply) => {
    const principal = principalOf(request);
    noStore(reply);
    return { user: principal.user, csrfToken: principal.csrfToken };
  });

  // --- dashboard and jobs -------------------------------------------------------------------

  const releaseRepo = createReleaseRepository({ db });
  const lockedUntil = (printerId: string, now: number) => {
    const lock = releaseRepo.getLock(printerId);
    return lock && lock.locked_until > now ? isoOf(lock.locked_until) : null;
  };

  app.get('/dashboard', { schema: { response: { 200: DashboardView } } }, async (_request, reply) => {
    const now = clock.now();
    noStore(reply);
    const sites = await Promise.all(
      config.sites.map(async (site) => {
        const jobsWaiting = spool.listJobs({ siteId: site.id, which: 'all' }).filter((job) => waiting(job, now)).length;
        const printers = await Promise.all(
          site.printers.map(async (printer) => {
            const lastError = repo.lastPrinterError(printer.id);
            return {
              id: printer.id,
              name: printer.name,
              readiness: await readinessOf(printer.id),
              jobsWaiting,
              jobsPrinting: repo.attemptsInFlight(printer.id),
              lastError: lastError ? { state: lastError.state, reason: lastError.reason, at: isoOf(lastError.at) } : null,
              codeEntryLockedUntil: lockedUntil(printer.id, now),
            };
          }),
        );
        return { id: site.id, name: site.name, jobsWaiting, printers, scanners: site.scanners.map((s) => ({ id: s.id, name: s.name })) };
      }),
    );
    return { sites };
  });

  app.get('/jobs', { schema: { querystring: SiteQuery, response: { 200: HeldJobsView } } }, async (request, reply) => {
    const site = siteOf(request.query.siteId);
    const rules = quotaRules.current(site.id);
    const now = clock.now();
    const jobs = spool.listJobs({ siteId: site.id, which: 'all' }).filter((job) => waiting(job, now) || job.state === 'processing');
    const byTerminal = new Map<string, PrintJob[]>();
    for (const job of jobs) byTerminal.set(job.terminalId, [...(byTerminal.get(job.terminalId) ?? []), job]);
    const terminals = [...byTerminal.entries()].map(([terminalId, terminalJobs]) => {
      const sessionIds = [...new Set(terminalJobs.map((job) => job.sessionId))];
      const available = new Map(sessionIds.map((sessionId) => [sessionId, availableOf({ rules, sessionId, terminalId })]));
      return {
        terminalId,
        terminalName: site.terminals.find((t) => t.id === terminalId)?.name ?? terminalId,
        sessions: sessionIds.map((sessionId) => ({ sessionId, availablePages: available.get(sessionId) ?? 0 })),
        jobs: terminalJobs.map((job) => {
          const cost = costOf({ impressions: job.pages * job.copies, colorMode: job.colorMode, rules });
          return {
            id: job.id,
            sessionId: job.sessionId,
            state: job.state,
            source: job.source,
            createdAt: isoOf(job.createdAt),
            expiresAt: isoOf(job.expiresAt),
            pages: job.pages,
            copies: job.copies,
            colorMode: job.colorMode,
            sides: job.sides,
            cost,
            missingPages: Math.max(0, cost - (available.get(job.sessionId) ?? 0)),
            quotaOverride: jobOverrides.has(job.id),
          };
        }),
      };
    });
    noStore(reply);
    return { siteId: site.id, terminals };
  });

  app.post('/jobs/:id/cancel', { schema: { params: IdParams, response: { 200: CanceledView } } }, async (request) => {
    const principal = principalOf(request);
    const job = spool.requireJob(request.params.id);
    const canceled = await spool.cancelJob({ jobId: job.id, reason: 'canceled-by-staff' });
    audit.record({ actor: principal.user, action: 'job.cancel', siteId: job.siteId, targetType: 'job', targetId: job.id, details: { pages: job.pages, copies: job.copies } });
    return { jobId: canceled.id, state: canceled.state };
  });

  app.post('/lost-code', { schema: { body: LostCodeBody, response: { 200: LostCodeView } } }, async (request, reply) => {
    const principal = principalOf(request);
    const site = siteOf(request.body.siteId);
    const from = Date.parse(request.body.from);
    const to = Date.parse(request.body.to);
    if (!(from <= to) || to - from > LOST_CODE_MAX_WINDOW_MS) {
      throw createValidationError({ message: 'The time window must be at most 24 hours, from before to.' });
    }
    const now = clock.now();
    const sessions = repo.terminalSessionsInWindow({ siteId: site.id, terminalId: request.body.terminalId, from, to }).map((session) => {
      const jobsWaiting = spool.listJobsOfSession(session.id).filter((job) => waiting(job, now)).length;
      const live = session.endedAt === null || jobsWaiting > 0;
      return { sessionId: session.id, startedAt: isoOf(session.startedAt), endedAt: isoOrNull(session.endedAt), jobsWaiting, code: live ? session.code : null };
    });
    audit.record({
      actor: principal.user,
      action: 'lost-code.lookup',
      siteId: site.id,
      targetType: 'terminal',
      targetId: request.body.terminalId,
      details: { reason: request.body.reason, sessions: sessions.length, codesShown: sessions.filter((s) => s.code !== null).length },
    });
    noStore(reply);
    return { sessions };
  });

  // --- extra pages ---------------------------------------------------------------------------

  app.post('/grants', { schema: { body: GrantBody, response: { 200: GrantResult } } }, async (request) => {
    const principal = principalOf(request);
    const body = request.body;
    const at = clock.now();
    if (body.target === 'session') {
      const session = spool.getSession(body.sessionId);
      if (!session) throw createSessionNotFoundError();
      ledger.grant({ siteId: session.siteId, account: `session:${session.id}`, pages: body.pages, kind: 'grant', reason: body.reason, at });
      audit.record({ actor: principal.user, action: 'grant.session', siteId: session.siteId, targetType: 'session', targetId: session.id, details: { pages: body.pages, reason: body.reason } });
      options.stats?.record({ siteId: session.siteId, terminalId: session.terminalId, event: { type: 'grant', pages: body.pages } });
      const availablePages = availableOf({ rules: quotaRules.current(session.siteId), sessionId: session.id, terminalId: session.terminalId });
      return { target: 'session' as const, sessionId: session.id, jobId: null, pagesGranted: body.pages, availablePages };
    }
    const job = spool.requireJob(body.jobId);
    if (!waiting(job, at)) throw createJobNotGrantableError();
    jobOverrides.allow({ jobId: job.id, siteId: job.siteId, reason: body.reason, grantedBy: principal.user.name, at });
    const rules = quotaRules.current(job.siteId);
    const availablePages = availableOf({ rules, sessionId: job.sessionId, terminalId: job.terminalId });
    const cost = costOf({ impressions: job.pages * job.copies, colorMode: job.colorMode, rules });
    options.stats?.record({ siteId: job.siteId, terminalId: job.terminalId, event: { type: 'grant', pages: Math.max(0, cost - availablePages) } });
    audit.record({
      actor: principal.user,
      action: 'grant.job',
      siteId: job.siteId,
      targetType: 'job',
      targetId: job.id,
      details: { reason: body.reason, cost, missingPages: Math.max(0, cost - availablePages) },
    });
    return { target: 'job' as const, sessionId: job.sessionId, jobId: job.id, pagesGranted: null, availablePages };
  });

  // --- vouchers ------------------------------------------------------------------------------

  app.get('/vouchers', { schema: { querystring: SiteQuery, response: { 200: VoucherList } } }, async (request, reply) => {
    const site = siteOf(request.query.siteId);
    noStore(reply);
    return { vouchers: vouchers.list({ siteId: site.id }).map(voucherView) };
  });

  app.post('/vouchers', { schema: { body: CreateVoucherBody, response: { 201: CreatedVoucherView } } }, async (request, reply) => {
    const principal = principalOf(request);
    const site = siteOf(request.body.siteId);
    const { voucher, code } = vouchers.create({ siteId: site.id, pages: request.body.pages, validDays: request.body.validDays, createdBy: principal.user.name });
    const now = clock.now();
    for (const [id, slip] of slips) if (slip.until <= now) slips.delete(id);
    slips.set(voucher.id, { code, until: now + SLIP_TTL_MS });
    options.stats?.record({ siteId: site.id, event: { type: 'voucher_created' } });
    audit.record({ actor: principal.user, action: 'voucher.create', siteId: site.id, targetType: 'voucher', targetId: voucher.id, details: { pages: voucher.pages, validDays: request.body.validDays } });
    noStore(reply);
    return reply.status(201).send({ voucher: voucherView(voucher), code: formatVoucherCode(code), slipUrl: `${prefix}/vouchers/${voucher.id}/slip` });
  });

  app.get('/vouchers/:id/slip', { schema: { params: IdParams } }, async (request, reply) => {
    const principal = principalOf(request);
    const slip = slips.get(request.params.id);
    const voucher = vouchers.get(request.params.id);
    slips.delete(request.params.id);
    if (!slip || !voucher || slip.until <= clock.now()) throw createSlipGoneError();
    const html = await renderVoucherSlip({ siteName: siteOf(voucher.siteId).name, code: slip.code, pages: voucher.pages, expiresAt: voucher.expiresAt });
    audit.record({ actor: principal.user, action: 'voucher.slip', siteId: voucher.siteId, targetType: 'voucher', targetId: voucher.id });
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .send(html);
  });

  app.post('/vouchers/:id/revoke', { schema: { params: IdParams, response: { 200: VoucherView } } }, async (request) => {
    const principal = principalOf(request);
    const voucher = vouchers.revoke({ id: request.params.id });
    slips.delete(voucher.id);
    audit.record({ actor: principal.user, action: 'voucher.revoke', siteId: voucher.siteId, targetType: 'voucher', targetId: voucher.id, details: { pages: voucher.pages } });
    return voucherView(voucher);
  });

  // --- admin: printers, rules, users, audit --------------------------------------------------

  app.get('/printers', { schema: { response: { 200: PrintersView } } }, async (_request, reply) => {
    noStore(reply);
    const sites = await Promise.all(
      config.sites.map(async (site) => ({
        id: site.id,
        name: site.name,
        printers: await Promise.all(
          site.printers.map(async (p) => ({ id: p.id, name: p.name, driver: p.driver, color: p.color, duplex: p.duplex, readiness: await readinessOf(p.id) })),
        ),
        scanners: site.scanners.map((s) => ({ id: s.id, name: s.name, driver: s.driver })),
      })),
    );
    return { sites };
  });

  app.get('/quota-rules', { schema: { querystring: SiteQuery, response: { 200: RulesResponse } } }, async (request, reply) => {
    const site = siteOf(request.query.siteId);
    noStore(reply);
    return { current: rulesView(quotaRules.current(site.id)), history: quotaRules.history({ siteId: site.id }).map(rulesView) };
  });

  app.put('/quota-rules/:siteId', { schema: { params: SiteParams, body: RuleValues, response: { 200: RulesResponse } } }, async (request) => {
    const principal = principalOf(request);
    const site = siteOf(request.params.siteId);
    const current = quotaRules.update({ siteId: site.id, values: request.body, changedBy: principal.user.name, at: clock.now() });
    audit.record({ actor: principal.user, action: 'rules.update', siteId: site.id, targetType: 'quota-rules', targetId: current.version, details: { ...request.body } });
    return { current: rulesView(current), history: quotaRules.history({ siteId: site.id }).map(rulesView) };
  });

  app.get('/users', { schema: { response: { 200: UserList } } }, async (_request, reply) => {
    noStore(reply);
    return { users: accounts.listUsers().map(userView) };
  });

  app.post('/users', { schema: { body: CreateUserBody, response: { 201: UserView } } }, async (request, reply) => {
    const user = await accounts.createUser({ ...request.body, actor: principalOf(request).user });
    return reply.status(201).send(userView(user));
  });

  app.post('/users/:id/disable', { schema: { params: IdParams, response: { 200: UserView } } }, async (request) =>
    userView(accounts.setDisabled({ id: request.params.id, disabled: true, actor: principalOf(request).user })),
  );

  app.post('/users/:id/enable', { schema: { params: IdParams, response: { 200: UserView } } }, async (request) =>
    userView(accounts.setDisabled({ id: request.params.id, disabled: false, actor: principalOf(request).user })),
  );

  app.post('/users/:id/password', { schema: { params: IdParams, body: PasswordBody, response: { 200: UserView } } }, async (request) =>
    userView(await accounts.resetPassword({ id: request.params.id, password: request.body.password, actor: principalOf(request).user })),
  );

  app.get('/audit', { schema: { querystring: AuditQuery, response: { 200: AuditView } } }, async (request, reply) => {
    noStore(reply);
    const entries = audit.list({ beforeId: request.query.beforeId, limit: request.query.limit });
    return {
      entries: entries.map((e) => ({
        id: e.id,
        at: isoOf(e.at),
        userName: e.userName,
        action: e.action,
        siteId: e.siteId,
        targetType: e.targetType,
        targetId: e.targetId,
        details: e.details as Record<string, string | number | boolean | null>,
      })),
    };
  });
}
