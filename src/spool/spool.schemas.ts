import { z } from 'zod';

/** What the terminal page and the upload answer show of a job. Never a path, key or document id. */
export const JobView = z.object({
  id: z.number().int(),
  name: z.string(),
  state: z.enum(['incoming', 'held', 'processing', 'completed', 'aborted', 'canceled']),
  stateReason: z.string().nullable(),
  source: z.enum(['ipp', 'upload']),
  pages: z.number().int(),
  copies: z.number().int(),
  colorMode: z.enum(['color', 'monochrome']),
  sides: z.string(),
  sizeBytes: z.number().int(),
  createdAt: z.string(),
  expiresAt: z.string(),
  secondsLeft: z.number().int(),
  pagesCompleted: z.number().int(),
});
export type JobView = z.infer<typeof JobView>;

export const TerminalSessionView = z.object({
  site: z.object({ id: z.string(), name: z.string() }),
  terminal: z.object({ id: z.string(), name: z.string() }),
  /** The printer as it appears on this terminal, e.g. "Druckpunkt Stadtteilbüro Lobeda". */
  printerName: z.string(),
  printerUri: z.string(),
  session: z.object({
    code: z.string().regex(/^\d{6}$/),
    qrText: z.string(),
    qrSvg: z.string(),
    startedAt: z.string(),
  }),
  jobs: z.array(JobView),
});

export const EndSessionBody = z.object({ deleteJobs: z.boolean().default(false) }).strict();

export const JobIdParams = z.object({ id: z.coerce.number().int().positive() });
export const PreviewParams = z.object({
  id: z.coerce.number().int().positive(),
  page: z.coerce.number().int().positive(),
});

export const UploadResponse = z.object({
  job: JobView,
  code: z.string(),
});
