/**
 * What every IPP operation handler gets and returns. Handlers are plain functions of one
 * context; the route builds the context once per request, after the checks every request
 * must pass (RFC 8011 §4.1: version, request-id, charset and natural language, target).
 */
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Config, SiteConfig } from '../../../config/config.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { SpoolService } from '../../spool.usecases.ts';
import type { TerminalMatch } from '../../terminals.ts';
import type { PrintJob } from '../../spool.models.ts';
import type { IppAttribute, IppGroup, IppMessage } from '../codec/index.ts';
import type { PrinterContext, QueueCapabilities } from '../printer-attributes.ts';

/** The part of the spool service the IPP endpoint uses. */
export type IppSpool = Pick<
  SpoolService,
  'identifyClient' | 'createJob' | 'submitJob' | 'addDocument' | 'closeJob' | 'cancelJob' | 'getJob' | 'listJobs' | 'getOrStartSession' | 'listDocuments' | 'flushIntake'
>;

export type OperationContext = {
  request: IppMessage;
  operation: IppGroup;
  /** The first job-attributes group, if the client sent one (job template attributes). */
  jobGroup: IppGroup | undefined;
  /** Document data after the IPP header; empty for most operations. Replaced once an operation peeks at it. */
  document: Readable;
  /** The same document data as bytes, when the request was small enough to be read whole. */
  documentBytes?: Buffer;
  /**
   * The answer may go out before a held job's rows are committed (the spool journals it first):
   * only on the queue's own HTTP path, where every operation that reads jobs flushes the journal
   * before it runs.
   */
  deferCommit?: boolean;
  site: SiteConfig;
  caps: QueueCapabilities;
  printerUri: string;
  requestingUserName: string | undefined;
  spool: IppSpool;
  config: Config;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The terminal the request came from. @throws IppOperationError client-error-forbidden. */
  client(): TerminalMatch;
  /** The printer context (built lazily: it counts queued jobs). */
  printer(): PrinterContext;
  /** Whether the requesting terminal, in its current session, sent this job (see job-attributes.ts). */
  isOwn(job: PrintJob): boolean;
  /** Bytes of document data allowed after decompression (the spool limit). */
  maxDocumentBytes: number;
};

export type OperationResult = {
  /** Defaults to successful-ok. */
  status?: number;
  statusMessage?: string;
  unsupported?: IppAttribute[];
  printer?: IppAttribute[];
  jobs?: IppAttribute[][];
};

export type OperationHandler = (ctx: OperationContext) => Promise<OperationResult>;
