/**
 * The operations that make jobs and bring documents: Print-Job, Validate-Job, Create-Job,
 * Send-Document and Close-Job (RFC 8011 §4.2.1–4.2.4, §4.3.1; PWG 5100.7 Close-Job).
 * Every job a terminal sends is held for release; the document is streamed into the spool.
 */
import { getBoolean, ipp, Status, type IppAttribute } from '../codec/index.ts';
import type { PrintJob } from '../../spool.models.ts';
import { ippError } from '../ipp.errors.ts';
import { ippJobState, jobStateReasons, jobUri } from '../job-attributes.ts';
import { readDocumentAttributes, readJobCreation, statusFor, type Compression } from '../job-template.ts';
import { asCompressionError, decompress, peekDocument } from '../document-stream.ts';
import type { OperationContext, OperationHandler, OperationResult } from './context.ts';
import { requireOwnJob, targetJob } from './job-lookup.ts';

/** The short job group that answers a job-creating operation (RFC 8011 §4.2.1.2). */
function jobSummary(ctx: OperationContext, job: PrintJob): IppAttribute[] {
  return [
    { name: 'job-uri', values: [ipp.uri(jobUri(ctx.printerUri, job.id))] },
    { name: 'job-id', values: [ipp.integer(job.id)] },
    { name: 'job-state', values: [ipp.enum(ippJobState(job.state))] },
    { name: 'job-state-reasons', values: jobStateReasons(job).map((r) => ipp.keyword(r)) },
    { name: 'job-state-message', values: [ipp.text(job.state === 'held' ? 'Held for release at the printer.' : 'Job received.')] },
  ];
}

async function receiveDocument(
  ctx: OperationContext,
  { job, compression, documentFormat, lastDocument }: { job: PrintJob; compression: Compression; documentFormat: string | undefined; lastDocument: boolean },
): Promise<PrintJob> {
  try {
    return await ctx.spool.addDocument({
      jobId: job.id,
      stream: decompress(ctx.document, compression),
      declaredFormat: documentFormat,
      lastDocument,
    });
  } catch (error) {
    throw asCompressionError(error);
  }
}

/** Whether document data came; if so ctx.document becomes the stream that starts with it. */
async function takeDocument(ctx: OperationContext): Promise<boolean> {
  const document = await peekDocument(ctx.document);
  if (document === null) return false;
  ctx.document = document;
  return true;
}

export const validateJob: OperationHandler = async (ctx) => {
  ctx.client();
  const creation = readJobCreation({ operation: ctx.operation, jobGroup: ctx.jobGroup, caps: ctx.caps });
  return { status: statusFor(creation.unsupported), unsupported: creation.unsupported };
};

export const printJob: OperationHandler = async (ctx) => {
  const match = ctx.client();
  const creation = readJobCreation({ operation: ctx.operation, jobGroup: ctx.jobGroup, caps: ctx.caps });
  const job = { match, source: 'ipp' as const, name: creation.jobName, requestingUser: ctx.requestingUserName ?? null, options: creation.options };
  const hasDocument = ctx.documentBytes !== undefined ? ctx.documentBytes.length > 0 : await takeDocument(ctx);
  if (!hasDocument) throw ippError(Status.clientErrorBadRequest, 'The request has no document data.');
  if (ctx.documentBytes !== undefined && creation.compression === 'none') {
    // A small request, read whole: the document goes to the spool as it is.
    return result(ctx, await ctx.spool.submitJob({ ...job, bytes: ctx.documentBytes, declaredFormat: creation.documentFormat, deferCommit: ctx.deferCommit }), creation.unsupported);
  }
  try {
    const received = await ctx.spool.submitJob({
      ...job,
      stream: decompress(ctx.document, creation.compression),
      declaredFormat: creation.documentFormat,
    });
    return result(ctx, received, creation.unsupported);
  } catch (error) {
    throw asCompressionError(error);
  }
};

export const createJob: OperationHandler = async (ctx) => {
  const match = ctx.client();
  const creation = readJobCreation({ operation: ctx.operation, jobGroup: ctx.jobGroup, caps: ctx.caps });
  const job = ctx.spool.createJob({
    match,
    source: 'ipp',
    name: creation.jobName,
    requestingUser: ctx.requestingUserName ?? null,
    options: creation.options,
  });
  return result(ctx, job, creation.unsupported);
};

export const sendDocument: OperationHandler = async (ctx) => {
  ctx.client();
  const lastDocument = getBoolean(ctx.operation, 'last-document');
  if (lastDocument === undefined) throw ippError(Status.clientErrorBadRequest, 'Missing last-document.');
  const job = targetJob(ctx);
  requireOwnJob(ctx, job);
  if (job.state !== 'incoming') throw ippError(Status.clientErrorNotPossible, 'This job takes no more documents.');
  const document = readDocumentAttributes(ctx.operation);
  if (!(await takeDocument(ctx))) {
    // RFC 8011 §4.3.1: last-document=true without data just closes the job.
    if (!lastDocument) throw ippError(Status.clientErrorBadRequest, 'The request has no document data.');
    return result(ctx, await ctx.spool.closeJob({ jobId: job.id }), []);
  }
  const received = await receiveDocument(ctx, { job, compression: document.compression, documentFormat: document.documentFormat, lastDocument });
  return result(ctx, received, []);
};

export const closeJob: OperationHandler = async (ctx) => {
  ctx.client();
  const job = targetJob(ctx);
  requireOwnJob(ctx, job);
  if (job.state !== 'incoming') throw ippError(Status.clientErrorNotPossible, 'This job is already closed.');
  return result(ctx, await ctx.spool.closeJob({ jobId: job.id }), []);
};

function result(ctx: OperationContext, job: PrintJob, unsupported: IppAttribute[]): OperationResult {
  return { status: statusFor(unsupported), unsupported, jobs: [jobSummary(ctx, job)] };
}
