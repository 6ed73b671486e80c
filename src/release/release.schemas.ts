import { z } from 'zod';

export const PrinterParams = z.object({ printerId: z.string().min(1).max(40) });

export const LoginBody = z.union([
  z.object({ printerId: z.string().min(1).max(40), code: z.string().max(12) }).strict(),
  z.object({ printerId: z.string().min(1).max(40), qrToken: z.string().min(8).max(200) }).strict(),
]);

export const PrinterQuery = z.object({ printerId: z.string().min(1).max(40) });

export const PrintBody = z.object({ printerId: z.string().min(1).max(40), jobIds: z.array(z.number().int().positive()).max(100).optional() }).strict();
export const DeleteBody = z.object({ printerId: z.string().min(1).max(40), jobIds: z.array(z.number().int().positive()).min(1).max(100) }).strict();

export const ReadinessView = z.object({
  ready: z.boolean(),
  state: z.enum(['idle', 'processing', 'stopped', 'unreachable']),
  reasons: z.array(z.string()),
  blocking: z.array(z.string()),
});

export const StationInfo = z.object({
  printer: z.object({ id: z.string(), name: z.string() }),
  site: z.object({ id: z.string(), name: z.string() }),
  readiness: ReadinessView,
});

export const StationJobView = z.object({
  id: z.number().int(),
  name: z.string(),
  state: z.enum(['incoming', 'held', 'processing', 'completed', 'aborted', 'canceled']),
  stateReason: z.string().nullable(),
  pages: z.number().int(),
  copies: z.number().int(),
  colorMode: z.enum(['color', 'monochrome']),
  sides: z.string(),
  /** Printed sides with all copies. */
  impressions: z.number().int(),
  /** Quota pages it costs. */
  cost: z.number().int(),
  expiresAt: z.string(),
  secondsLeft: z.number().int(),
  progress: z
    .object({ state: z.string(), pagesCompleted: z.number().int(), pagesTotal: z.number().int(), reason: z.string().nullable() })
    .nullable(),
});

export const StationOverview = z.object({
  availablePages: z.number().int(),
  idleSeconds: z.number().int(),
  jobs: z.array(StationJobView),
});

export const PrintResult = z.object({
  outcomes: z.array(z.object({ jobId: z.number().int(), started: z.boolean(), errorCode: z.string().optional(), missingPages: z.number().int().optional() })),
});
