/**
 * Get-Job-Attributes, Get-Jobs (RFC 8011 §4.2.6, §4.3.4), Cancel-Job (§4.3.3) and Cancel-My-Jobs
 * (PWG 5100.11). Any identified terminal may list the site's jobs, but only the terminal that sent
 * a job, in the session that sent it, sees its name and owner and may cancel it.
 */
import { getAttribute, getBoolean, getInteger, getString, getStrings, ipp, Status } from '../codec/index.ts';
import { FINAL_JOB_STATES, type PrintJob } from '../../spool.models.ts';
import { ippError } from '../ipp.errors.ts';
import { buildJobAttributes, selectJobAttributes } from '../job-attributes.ts';
import { WHICH_JOBS } from '../printer-attributes.ts';
import type { OperationContext, OperationHandler } from './context.ts';
import { requireOwnJob, targetJob } from './job-lookup.ts';

function attributesOf(ctx: OperationContext, job: PrintJob, requested: string[]) {
  const all = buildJobAttributes({
    job,
    printerUri: ctx.printerUri,
    documents: ctx.spool.listDocuments(job.id).length,
    own: ctx.isOwn(job),
    now: ctx.clock.now(),
  });
  return selectJobAttributes(all, requested);
}

export const getJobAttributes: OperationHandler = async (ctx) => {
  ctx.client();
  const job = targetJob(ctx);
  const requested = getStrings(ctx.operation, 'requested-attributes');
  return { jobs: [attributesOf(ctx, job, requested.length > 0 ? requested : ['all'])] };
};

export const getJobs: OperationHandler = async (ctx) => {
  const match = ctx.client();
  const which = getString(ctx.operation, 'which-jobs') ?? 'not-completed';
  if (!(WHICH_JOBS as readonly string[]).includes(which)) {
    throw ippError(Status.clientErrorAttributesOrValuesNotSupported, 'This which-jobs value is not supported.', [
      getAttribute(ctx.operation, 'which-jobs')!,
    ]);
  }
  const limit = getInteger(ctx.operation, 'limit');
  if (limit !== undefined && limit < 1) throw ippError(Status.clientErrorBadRequest, 'limit must be positive.');
  const myJobs = getBoolean(ctx.operation, 'my-jobs') ?? false;
  const requested = getStrings(ctx.operation, 'requested-attributes');
  const jobs = ctx.spool
    .listJobs({ siteId: ctx.site.id, which: which as (typeof WHICH_JOBS)[number] })
    // A job still receiving its documents is not a job yet for anyone but its sender.
    .filter((job) => job.state !== 'incoming' || ctx.isOwn(job))
    .filter(
      (job) =>
        !myJobs ||
        (job.terminalId === match.terminal.id &&
          ctx.isOwn(job) &&
          (ctx.requestingUserName === undefined || job.requestingUser === null || job.requestingUser === ctx.requestingUserName)),
    )
    .slice(0, limit ?? Number.MAX_SAFE_INTEGER);
  return { jobs: jobs.map((job) => attributesOf(ctx, job, requested.length > 0 ? requested : ['job-id', 'job-uri'])) };
};

export const cancelJob: OperationHandler = async (ctx) => {
  ctx.client();
  const job = targetJob(ctx);
  requireOwnJob(ctx, job);
  if (FINAL_JOB_STATES.includes(job.state)) throw ippError(Status.clientErrorNotPossible, 'The job has already ended.');
  await ctx.spool.cancelJob({ jobId: job.id, reason: 'job-canceled-by-user' });
  return {};
};

export const cancelMyJobs: OperationHandler = async (ctx) => {
  const match = ctx.client();
  const ids = getAttribute(ctx.operation, 'job-ids')?.values.flatMap((v) => (v.type === 'integer' ? [v.value] : []));
  const mine = ctx.spool
    .listJobs({ siteId: ctx.site.id, terminalId: match.terminal.id, which: 'not-completed' })
    .filter((job) => ctx.isOwn(job) && job.state !== 'processing');
  const targets = ids === undefined ? mine : mine.filter((job) => ids.includes(job.id));
  if (ids !== undefined && targets.length !== ids.length) {
    const missing = ids.filter((id) => !targets.some((job) => job.id === id));
    throw ippError(Status.clientErrorNotPossible, 'Some of these jobs cannot be canceled.', [
      { name: 'job-ids', values: missing.map((id) => ipp.integer(id)) },
    ]);
  }
  for (const job of targets) await ctx.spool.cancelJob({ jobId: job.id, reason: 'job-canceled-by-user' });
  return {};
};
