import { z } from 'zod';

// The scan API's edges (see /api/scan in scan.routes.ts). Responses are schemas too, so no store
// id, file path or hash can reach a client by accident.

export const Preset = z.enum(['document', 'color-document', 'id-card', 'photo']);
export const Rotation = z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]);
export const ScanSourceBody = z.enum(['flatbed', 'adf']);

export const ScannerParams = z.object({ scannerId: z.string().min(1).max(40) });
export const PageParams = z.object({ pageId: z.string().min(1).max(64) });
export const TokenParams = z.object({ token: z.string().min(16).max(64).regex(/^[A-Za-z0-9_-]+$/) });
export const DocumentParams = TokenParams.extend({ index: z.coerce.number().int().min(0).max(99) });
export const DownloadQuery = z.object({ download: z.enum(['1', 'true']).optional() });

export const ScannerInfo = z.object({
  scanner: z.object({ id: z.string(), name: z.string() }),
  capabilities: z.object({
    sources: z.array(z.enum(['flatbed', 'adf', 'adf-duplex'])),
    resolutions: z.array(z.number()),
    modes: z.array(z.enum(['color', 'gray', 'lineart'])),
  }),
  status: z.object({ ready: z.boolean(), reason: z.string().optional() }),
});
export type ScannerInfo = z.infer<typeof ScannerInfo>;

export const CreateSessionBody = z.object({ scannerId: z.string().min(1).max(40), preset: Preset, ocr: z.boolean().optional() });
export const ScanBody = z.object({ source: ScanSourceBody });
export const PatchPageBody = z.object({ rotation: Rotation.optional(), deleted: z.boolean().optional() });
export const MovePageBody = z.object({ documentIndex: z.number().int().min(0).max(99), position: z.number().int().min(0).max(999) });
export const FinishBody = z.object({ targetBytes: z.union([z.literal(2_000_000), z.literal(5_000_000), z.literal(10_000_000)]) });
export const PickupBody = z.object({ code: z.string().max(20) });

export const PageView = z.object({
  id: z.string(),
  rotation: Rotation,
  /** Flagged by the pipeline as empty; such pages come deleted (greyed, restorable). */
  blank: z.boolean(),
  deleted: z.boolean(),
  /** Size as exported, the rotation applied. */
  widthMm: z.number(),
  heightMm: z.number(),
});

export const SessionView = z.object({
  id: z.string(),
  scannerId: z.string(),
  preset: Preset,
  ocr: z.boolean(),
  state: z.enum(['idle', 'scanning', 'finishing', 'finished']),
  /** While scanning: the page being scanned in this batch (1-based) and its progress 0..1. */
  progress: z.object({ page: z.number(), fraction: z.number() }).nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  documents: z.array(z.object({ index: z.number(), pages: z.array(PageView) })),
});
export type SessionView = z.infer<typeof SessionView>;

export const FinishedView = z.object({
  pickup: z.object({ code: z.string(), qrSvg: z.string(), url: z.string(), expiresAt: z.string() }),
  documents: z.array(z.object({ index: z.number(), pages: z.number(), bytes: z.number(), settings: z.string() })),
  legibilityCropUrl: z.string().nullable(),
});
export type FinishedView = z.infer<typeof FinishedView>;

export const PickupView = z.object({
  token: z.string(),
  expiresAt: z.string(),
  documents: z.array(z.object({ index: z.number(), pages: z.number(), bytes: z.number(), url: z.string() })),
});
export type PickupView = z.infer<typeof PickupView>;
