import { Button } from '../../shared/components/Button.tsx';
import { useI18n } from '../../shared/i18n/I18nProvider.tsx';
import './scan.css';

/**
 * The way into scanning on the station's start screen, set apart from the code entry (which is
 * for printing) by its own framed section. Shown only where the site has a scanner.
 */
export function ScanEntry({ scanners, onStart }: { scanners: Array<{ id: string; name: string }>; onStart: (scannerId: string) => void }) {
  const { t } = useI18n();
  if (scanners.length === 0) return null;
  return (
    <section class="scan-entry" aria-labelledby="scan-entry-title">
      <h2 id="scan-entry-title">{t('scan.entry.title')}</h2>
      <p>{t('scan.entry.text')}</p>
      <div class="button-row">
        {scanners.map((scanner) => (
          <Button key={scanner.id} class="button--main scan-entry__start" onClick={() => onStart(scanner.id)}>
            {scanners.length === 1 ? t('scan.entry.start') : t('scan.entry.startAt', { name: scanner.name })}
          </Button>
        ))}
      </div>
    </section>
  );
}
