import { ApiError, describeError } from '../../shared/api.ts';
import type { Translate } from '../../shared/i18n/i18n.ts';

/**
 * The scanner's problems in plain words, with what to do. Literal keys, so the catalog test sees
 * them; codes not listed here get the shared general messages.
 */
export function scanProblemText(code: string, t: Translate): string | null {
  switch (code) {
    case 'scan.jammed':
      return t('scan.error.jammed');
    case 'scan.no_documents':
      return t('scan.error.noDocuments');
    case 'scan.cover_open':
      return t('scan.error.coverOpen');
    case 'scan.device_busy':
    case 'scan.busy':
      return t('scan.error.busy');
    case 'scan.io_error':
      return t('scan.error.ioError');
    case 'scan.timeout':
      return t('scan.error.timeout');
    case 'scan.device_not_found':
    case 'scan.scanner_not_found':
      return t('scan.error.notFound');
    case 'scan.unsupported':
      return t('scan.error.unsupported');
    case 'scan.session_not_found':
    case 'scan.session_finished':
      return t('scan.error.sessionGone');
    case 'scan.budget_too_small':
      return t('scan.error.tooBig');
    case 'scan.nothing_to_export':
      return t('scan.error.nothing');
    default:
      return null;
  }
}

/** A sentence for any failed call of the scan flow. */
export function describeScanError({ error, t, has }: { error: unknown; t: Translate; has: (key: string) => boolean }): string {
  if (error instanceof ApiError) {
    const text = scanProblemText(error.code, t);
    if (text) return text;
  }
  return describeError({ error, t, has });
}
