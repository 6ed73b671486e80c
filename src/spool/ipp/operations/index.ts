/** Operation id → handler; the ids here are exactly operations-supported. */
import { Operation } from '../codec/index.ts';
import type { OperationHandler } from './context.ts';
import { closeJob, createJob, printJob, sendDocument, validateJob } from './job-creation.ts';
import { cancelJob, cancelMyJobs, getJobAttributes, getJobs } from './job-queries.ts';
import { getPrinterAttributes, identifyPrinter } from './printer.ts';

export const OPERATION_HANDLERS: Readonly<Record<number, OperationHandler>> = {
  [Operation.PrintJob]: printJob,
  [Operation.ValidateJob]: validateJob,
  [Operation.CreateJob]: createJob,
  [Operation.SendDocument]: sendDocument,
  [Operation.CloseJob]: closeJob,
  [Operation.CancelJob]: cancelJob,
  [Operation.CancelMyJobs]: cancelMyJobs,
  [Operation.GetJobAttributes]: getJobAttributes,
  [Operation.GetJobs]: getJobs,
  [Operation.GetPrinterAttributes]: getPrinterAttributes,
  [Operation.IdentifyPrinter]: identifyPrinter,
};

export type { IppSpool, OperationContext, OperationHandler, OperationResult } from './context.ts';
