/**
 * Finding the job an operation targets: job-id with printer-uri, or job-uri (RFC 8011 §4.3).
 * A job of another site is "not found" here, whatever its id.
 */
import { getInteger, getString, Status } from '../codec/index.ts';
import type { PrintJob } from '../../spool.models.ts';
import { ippError } from '../ipp.errors.ts';
import type { OperationContext } from './context.ts';

export function targetJobId(ctx: OperationContext): number {
  const id = getInteger(ctx.operation, 'job-id');
  if (id !== undefined) {
    if (id < 1) throw ippError(Status.clientErrorBadRequest, 'job-id must be positive.');
    return id;
  }
  const uri = getString(ctx.operation, 'job-uri');
  if (uri !== undefined) {
    const match = /\/jobs\/(\d{1,10})$/.exec(uri);
    if (!match) throw ippError(Status.clientErrorNotFound, 'No such job.');
    return Number(match[1]);
  }
  throw ippError(Status.clientErrorBadRequest, 'Missing job-id or job-uri.');
}

export function targetJob(ctx: OperationContext): PrintJob {
  const job = ctx.spool.getJob(targetJobId(ctx));
  if (!job || job.siteId !== ctx.site.id) throw ippError(Status.clientErrorNotFound, 'No such job.');
  return job;
}

/** Only the terminal that sent a job may change it. */
export function requireOwnJob(ctx: OperationContext, job: PrintJob): void {
  if (!ctx.isOwn(job)) throw ippError(Status.clientErrorNotAuthorized, 'This job belongs to another terminal.');
}
