import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { Icon } from '../shared/components/Icon.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { ProgressBar } from '../shared/components/ProgressBar.tsx';
import { describeError } from '../shared/api.ts';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { DropFile } from './illustrations.tsx';
import { uploadFile, type UploadProgress, type UploadResult } from './terminal-api.ts';

/** File kinds the spool turns into print jobs; the chooser offers these first (others still go to the server, which says no). */
const ACCEPT = 'application/pdf,image/jpeg,image/png,text/plain,.pdf,.jpg,.jpeg,.png,.txt';

type UploadState =
  | { phase: 'idle' }
  | { phase: 'busy'; fileName: string; progress: UploadProgress }
  | { phase: 'failed'; fileName: string; message: string };

/**
 * "Datei hochladen": a drop area for mouse users and a real button (keyboard, touch, screen
 * readers) that opens the file chooser. One file at a time, with a progress bar, then the
 * server's answer translated by its error code.
 */
export function UploadPanel({ onUploaded }: { onUploaded: (result: UploadResult) => void }) {
  const { t, has, format } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const [dragging, setDragging] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const errorId = useId();
  const busy = state.phase === 'busy';

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (file: File) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      setState({ phase: 'busy', fileName: file.name, progress: { phase: 'sending', loaded: 0, total: file.size } });
      announce(t('terminal.upload.started'));
      let preparingAnnounced = false;
      uploadFile({
        file,
        signal: abort.signal,
        onProgress: (progress) => {
          setState({ phase: 'busy', fileName: file.name, progress });
          if (progress.phase === 'preparing' && !preparingAnnounced) {
            preparingAnnounced = true;
            announce(t('terminal.upload.preparing'));
          }
        },
      })
        .then((result) => {
          setState({ phase: 'idle' });
          onUploaded(result);
        })
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') return;
          const message = describeError({ error, t, has });
          setState({ phase: 'failed', fileName: file.name, message });
          announce(`${t('form.errorPrefix')} ${message}`, 'assertive');
        })
        .finally(() => {
          if (input.current) input.current.value = '';
        });
    },
    [t, has, onUploaded],
  );

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (busy) return;
    const file = event.dataTransfer?.files[0];
    if (file) start(file);
  };

  let progressView = null;
  if (state.phase === 'busy') {
    const { progress } = state;
    if (progress.phase === 'sending') {
      const fraction = progress.total > 0 ? progress.loaded / progress.total : 0;
      progressView = (
        <ProgressBar
          label={t('terminal.upload.sending')}
          fraction={fraction}
          valueText={format.number(fraction, { style: 'percent', maximumFractionDigits: 0 })}
        />
      );
    } else {
      progressView = <ProgressBar label={t('terminal.upload.preparing')} valueText={t('terminal.upload.preparingShort')} />;
    }
  }

  return (
    <section class="upload" aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t('terminal.upload.heading')}</h2>
      <p>{t('terminal.upload.intro')}</p>
      <div
        class={dragging ? 'upload__drop upload__drop--active' : 'upload__drop'}
        data-testid="upload-drop"
        onDragOver={(event) => {
          event.preventDefault();
          if (!busy) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <DropFile />
        <p class="upload__drop-text">{t('terminal.upload.dropHint')}</p>
        <input
          ref={input}
          id="upload-input"
          class="visually-hidden"
          type="file"
          accept={ACCEPT}
          tabIndex={-1}
          aria-hidden="true"
          aria-label={t('terminal.upload.choose')}
          onChange={(event) => {
            const file = (event.currentTarget as HTMLInputElement).files?.[0];
            if (file) start(file);
          }}
        />
        <Button
          class="upload__button"
          onClick={() => {
            if (!busy) input.current?.click();
          }}
          aria-disabled={busy ? 'true' : undefined}
          aria-describedby={state.phase === 'failed' ? errorId : undefined}
        >
          <Icon name="upload" />
          <span>{t('terminal.upload.choose')}</span>
        </Button>
        <p class="upload__formats">{t('terminal.upload.formats')}</p>
      </div>
      <div class="upload__status">
        {progressView}
        {state.phase === 'failed' && (
          <div class="tm-notice tm-notice--error" id={errorId}>
            <p>
              <span class="tm-notice__prefix">
                <span aria-hidden="true">⚠ </span>
                {t('form.errorPrefix')}{' '}
              </span>
              {state.message}
            </p>
            <p class="tm-notice__detail">
              {t('terminal.upload.failedFile')} <bdi>{state.fileName}</bdi>
            </p>
          </div>
        )}
      </div>
    </section>
  );
}
