import type { Translate } from '../shared/i18n/i18n.ts';
import type { Readiness } from './station-api.ts';

/**
 * The printer's reason keywords (IPP printer-state-reasons and our own), grouped by what a
 * citizen can understand. Keywords arrive without -report/-warning/-error; a few printers keep
 * the suffix, so it is stripped here too.
 */
export type ReasonKind = 'mediaEmpty' | 'mediaJam' | 'doorOpen' | 'tonerEmpty' | 'markerEmpty' | 'unreachable' | 'paused' | 'other';

const kinds: Record<string, ReasonKind> = {
  'media-empty': 'mediaEmpty',
  'media-needed': 'mediaEmpty',
  'input-tray-missing': 'mediaEmpty',
  'media-jam': 'mediaJam',
  'door-open': 'doorOpen',
  'cover-open': 'doorOpen',
  'interlock-open': 'doorOpen',
  'toner-empty': 'tonerEmpty',
  'marker-supply-empty': 'markerEmpty',
  'marker-waste-full': 'markerEmpty',
  unreachable: 'unreachable',
  offline: 'unreachable',
  shutdown: 'unreachable',
  'connecting-to-device': 'unreachable',
  paused: 'paused',
};

export function reasonKind(reason: string): ReasonKind {
  return kinds[reason.replace(/-(report|warning|error)$/, '')] ?? 'other';
}

/** One plain sentence per kind (literal keys, so the catalog test sees them). */
export function reasonSentence(kind: ReasonKind, t: Translate): string {
  switch (kind) {
    case 'mediaEmpty':
      return t('station.reason.mediaEmpty');
    case 'mediaJam':
      return t('station.reason.mediaJam');
    case 'doorOpen':
      return t('station.reason.doorOpen');
    case 'tonerEmpty':
      return t('station.reason.tonerEmpty');
    case 'markerEmpty':
      return t('station.reason.markerEmpty');
    case 'unreachable':
      return t('station.reason.unreachable');
    case 'paused':
      return t('station.reason.paused');
    case 'other':
      return t('station.reason.other');
  }
}

/**
 * Sentences for why the printer cannot print, each said once, unknown keywords as one general
 * sentence. Blocking reasons first; when the printer names none, the general sentence.
 */
export function reasonSentences({ reasons, t }: { reasons: readonly string[]; t: Translate }): string[] {
  const ordered = [...new Set(reasons.map(reasonKind))];
  if (ordered.length === 0) ordered.push('other');
  // "other" says little; drop it when a specific reason is known.
  const useful = ordered.length > 1 ? ordered.filter((kind) => kind !== 'other') : ordered;
  return useful.map((kind) => reasonSentence(kind, t));
}

/** What to tell about a printer that is not ready (empty when it is ready). */
export function notReadySentences({ readiness, t }: { readiness: Readiness; t: Translate }): string[] {
  if (readiness.ready) return [];
  const reasons = readiness.blocking.length > 0 ? readiness.blocking : readiness.state === 'unreachable' ? ['unreachable'] : readiness.reasons;
  return reasonSentences({ reasons, t });
}
