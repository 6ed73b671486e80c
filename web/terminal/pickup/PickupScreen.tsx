import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../../shared/components/Button.tsx';
import { announce } from '../../shared/components/LiveRegion.tsx';
import { Page } from '../../shared/components/Page.tsx';
import { ApiError, describeError } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../../shared/i18n/i18n.ts';
import { downloadUrl, megabytes, normalizeCode, pickupWithCode, pickupWithToken, PICKUP_CODE_LENGTH, takePickupTokenFromAddress, type Pickup } from './pickup-api.ts';
import './pickup.css';

/** The pickup token a phone brought in the address (read once per page load, then removed from it). */
export function usePickupToken(): string | null {
  const [token] = useState(takePickupTokenFromAddress);
  return token;
}

/** A refused pickup in words a citizen can act on. */
export function pickupErrorText({ error, t, has }: { error: unknown; t: Translate; has: (key: string) => boolean }): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'scan.pickup_code_invalid':
        return t('pickup.error.invalid');
      case 'scan.pickup_throttled': {
        const seconds = typeof error.details?.retryAfterSeconds === 'number' ? Math.max(1, Math.ceil(error.details.retryAfterSeconds)) : 60;
        return t('pickup.error.throttled', { seconds });
      }
      case 'scan.pickup_locked':
        return t('pickup.error.locked');
      case 'scan.pickup_not_found':
      case 'scan.result_not_found':
        return t('pickup.error.gone');
    }
  }
  return describeError({ error, t, has });
}

export type PickupScreenProps = {
  siteName?: string | undefined;
  screenKey: number;
  /** From `?pickup=<token>`: the list opens without a code. */
  token?: string | null | undefined;
  onBack: () => void;
};

/** "Scan abholen" on the terminal (and on phones that scanned the QR): code → the PDFs. */
export function PickupScreen({ siteName, screenKey, token, onBack }: PickupScreenProps) {
  const { t, has, format } = useI18n();
  const [code, setCode] = useState('');
  const [pickup, setPickup] = useState<Pickup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [loadingToken, setLoadingToken] = useState(Boolean(token));
  const listHeading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);

  const arrived = (answer: Pickup) => {
    setPickup(answer);
    setError(null);
    announce(t('pickup.arrived', { count: answer.documents.length }));
  };

  useEffect(() => {
    if (!token) return;
    const controller = new AbortController();
    pickupWithToken(token, controller.signal)
      .then(arrived)
      .catch((failure: unknown) => {
        if (failure instanceof DOMException && failure.name === 'AbortError') return;
        const message = pickupErrorText({ error: failure, t, has });
        setError(message);
        announce(message, 'assertive');
      })
      .finally(() => setLoadingToken(false));
    return () => controller.abort();
    // Once per token: a language switch must not fetch again.
  }, [token]);

  // The list's heading takes the focus when it appears, like a new screen.
  useEffect(() => {
    if (pickup) listHeading.current?.focus();
  }, [pickup]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const digits = normalizeCode(code);
    if (digits.length !== PICKUP_CODE_LENGTH) {
      const message = t('pickup.code.incomplete');
      setError(message);
      announce(message, 'assertive');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    announce(t('pickup.code.checking'));
    try {
      arrived(await pickupWithCode(digits));
      setCode('');
    } catch (failure) {
      const message = pickupErrorText({ error: failure, t, has });
      setError(message);
      announce(message, 'assertive');
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const another = () => {
    setPickup(null);
    setCode('');
    setError(null);
    window.setTimeout(() => input.current?.focus(), 0);
  };

  return (
    <Page title={t('terminal.scan.title')} siteName={siteName} screenKey={screenKey}>
      <p class="back">
        <Button variant="secondary" onClick={onBack}>
          <span class="back__arrow" aria-hidden="true">
            ←
          </span>
          {t('terminal.back')}
        </Button>
      </p>
      {loadingToken && <p class="lead">{t('pickup.loading')}</p>}
      {!pickup && !loadingToken && (
        <form class="pickup-form" onSubmit={(event) => void submit(event)} noValidate>
          <p class="lead">{t('pickup.intro')}</p>
          <div class={error ? 'field field--invalid' : 'field'}>
            <label class="field__label" for="pickup-code">
              {t('pickup.code.label')}
            </label>
            <p class="field__hint" id="pickup-code-hint">
              {t('pickup.code.hint')}
            </p>
            {error && (
              <p class="field__error" id="pickup-code-error" data-testid="pickup-error">
                <span class="field__error-prefix">{t('form.errorPrefix')}</span> {error}
              </p>
            )}
            <input
              ref={input}
              id="pickup-code"
              class="field__input pickup-form__code"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              // Room for "123 456": the grouping on the station's screen may be typed along.
              maxLength={PICKUP_CODE_LENGTH + 2}
              dir="ltr"
              value={code}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'pickup-code-hint pickup-code-error' : 'pickup-code-hint'}
              onInput={(event) => setCode(event.currentTarget.value)}
            />
          </div>
          <Button type="submit" class="button--main pickup-form__submit" aria-disabled={busy ? 'true' : undefined}>
            {t('pickup.code.submit')}
          </Button>
          {busy && <p>{t('pickup.code.checking')}</p>}
        </form>
      )}
      {pickup && (
        <section aria-labelledby="pickup-list-title">
          <h2 id="pickup-list-title" ref={listHeading} tabIndex={-1}>
            {t('pickup.list.title')}
          </h2>
          <p>{t('pickup.list.expires', { time: format.time(new Date(pickup.expiresAt)) })}</p>
          <ul class="pickup-list">
            {pickup.documents.map((document) => {
              const nameId = `pickup-document-${document.index}`;
              return (
                <li key={document.index} class="pickup-document" data-testid="pickup-document">
                  <h3 id={nameId} class="pickup-document__name">
                    {t('pickup.list.name', { number: document.index + 1 })}
                  </h3>
                  <p>
                    {t('pickup.list.facts', {
                      pages: document.pages,
                      size: format.number(megabytes(document.bytes), { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
                    })}
                  </p>
                  <div class="button-row" role="group" aria-labelledby={nameId}>
                    <a class="button button--primary" href={document.url} data-testid="pickup-open">
                      {t('pickup.list.open')}
                    </a>
                    <a class="button button--secondary" href={downloadUrl(document.url)} download={`Scan-${document.index + 1}.pdf`} data-testid="pickup-download">
                      {t('pickup.list.download')}
                    </a>
                  </div>
                </li>
              );
            })}
          </ul>
          <section class="pickup-upload" aria-labelledby="pickup-upload-title">
            <h3 id="pickup-upload-title">{t('pickup.upload.title')}</h3>
            <ol>
              <li>{t('pickup.upload.step1')}</li>
              <li>{t('pickup.upload.step2')}</li>
              <li>{t('pickup.upload.step3')}</li>
            </ol>
          </section>
          <p>
            <Button variant="secondary" onClick={another}>
              {t('pickup.another')}
            </Button>
          </p>
        </section>
      )}
    </Page>
  );
}
