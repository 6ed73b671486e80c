import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { NumberInput } from '../shared/components/NumberInput.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../shared/i18n/i18n.ts';
import type { CreatedVoucher, StaffApi, Voucher } from './staff-api.ts';
import { PanelBox } from './JobsSection.tsx';
import { Loading, Notice, TableBox, useDescribe, useLoad } from './ui.tsx';

function voucherStateText(state: Voucher['state'], t: Translate): string {
  switch (state) {
    case 'open':
      return t('staff.vouchers.state.open');
    case 'redeemed':
      return t('staff.vouchers.state.redeemed');
    case 'expired':
      return t('staff.vouchers.state.expired');
    case 'revoked':
      return t('staff.vouchers.state.revoked');
  }
}

/**
 * Vouchers: create N pages with a validity, show the code once with a link to the printable slip
 * (the server serves it once, within 10 minutes), list and revoke.
 */
export function VouchersSection({ api }: { api: StaffApi }) {
  const { t, format } = useI18n();
  const describe = useDescribe();
  const { data, error, reload } = useLoad(() => api.vouchers(), [api]);
  const [pages, setPages] = useState(10);
  const [days, setDays] = useState(30);
  const [created, setCreated] = useState<CreatedVoucher | null>(null);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [revoking, setRevoking] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const createdHeading = useRef<HTMLHeadingElement>(null);
  const messageBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (created) createdHeading.current?.focus();
  }, [created]);
  useEffect(() => {
    if (message) messageBox.current?.focus();
  }, [message]);

  const create = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const answer = await api.createVoucher(pages, days);
      setCreated(answer);
      announce(t('staff.vouchers.created', { pages: answer.voucher.pages }));
      reload();
    } catch (failure) {
      const text = describe(failure);
      setMessage({ kind: 'error', text });
      announce(text, 'assertive');
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: number) => {
    if (busy) return;
    setBusy(true);
    try {
      await api.revokeVoucher(id);
      if (created?.voucher.id === id) setCreated(null);
      const text = t('staff.vouchers.revoked');
      setMessage({ kind: 'success', text });
      announce(text);
    } catch (failure) {
      const text = describe(failure);
      setMessage({ kind: 'error', text });
      announce(text, 'assertive');
    } finally {
      setRevoking(null);
      setBusy(false);
      reload();
    }
  };

  return (
    <>
      <p class="lead">{t('staff.vouchers.intro')}</p>
      <form onSubmit={create} noValidate class="staff-form">
        <h2>{t('staff.vouchers.newTitle')}</h2>
        <NumberInput label={t('staff.vouchers.pages')} value={pages} min={1} max={200} onValueChange={setPages} />
        <NumberInput label={t('staff.vouchers.days')} hint={t('staff.vouchers.daysHint')} value={days} min={1} max={366} onValueChange={setDays} />
        <Button type="submit">{t('staff.vouchers.create')}</Button>
      </form>
      {created && (
        <section class="staff-section staff-created" aria-labelledby="voucher-created">
          <h2 id="voucher-created" ref={createdHeading} tabIndex={-1}>
            {t('staff.vouchers.createdTitle')}
          </h2>
          <p class="staff-code">
            <span class="staff-code__label">{t('staff.vouchers.code')}</span>{' '}
            <span class="staff-code__digits" dir="ltr">
              {created.code}
            </span>
          </p>
          <p>{t('staff.vouchers.createdFacts', { pages: created.voucher.pages, until: format.date(new Date(created.voucher.expiresAt)) })}</p>
          <p>{t('staff.vouchers.slipHint')}</p>
          <p>
            <a class="button button--primary" href={created.slipUrl} target="_blank" rel="noopener">
              {t('staff.vouchers.printSlip')}
              <span class="visually-hidden"> {t('staff.newWindow')}</span>
            </a>
          </p>
        </section>
      )}
      <div ref={messageBox} tabIndex={-1} class="staff-result">
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
      </div>
      <section class="staff-section" aria-labelledby="voucher-list">
        <h2 id="voucher-list">{t('staff.vouchers.listTitle')}</h2>
        {error && <Notice kind="error">{error}</Notice>}
        {!data && !error && <Loading />}
        {data && data.vouchers.length === 0 && <p>{t('staff.vouchers.none')}</p>}
        {data && data.vouchers.length > 0 && (
          <TableBox label={t('staff.vouchers.listTitle')}>
            <table class="data-table">
              <caption>{t('staff.vouchers.listCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('staff.vouchers.col.created')}</th>
                  <th scope="col">{t('staff.vouchers.col.pages')}</th>
                  <th scope="col">{t('staff.vouchers.col.until')}</th>
                  <th scope="col">{t('staff.vouchers.col.state')}</th>
                  <th scope="col">{t('staff.vouchers.col.by')}</th>
                  <th scope="col">{t('staff.vouchers.col.action')}</th>
                </tr>
              </thead>
              <tbody>
                {data.vouchers.map((voucher) => (
                  <tr key={voucher.id}>
                    <td>{format.dateTime(new Date(voucher.createdAt))}</td>
                    <td>{format.number(voucher.pages)}</td>
                    <td>{format.date(new Date(voucher.expiresAt))}</td>
                    <td>
                      {voucherStateText(voucher.state, t)}
                      {voucher.redeemedAt && ` (${format.dateTime(new Date(voucher.redeemedAt))})`}
                    </td>
                    <td>{voucher.createdBy}</td>
                    <td>
                      {voucher.state === 'open' &&
                        (revoking === voucher.id ? (
                          <PanelBox title={t('staff.vouchers.revokeQuestion')} danger>
                            <div class="button-row">
                              <Button variant="danger" onClick={() => void revoke(voucher.id)}>
                                {t('staff.vouchers.revokeConfirm')}
                              </Button>
                              <Button variant="secondary" onClick={() => setRevoking(null)}>
                                {t('staff.back')}
                              </Button>
                            </div>
                          </PanelBox>
                        ) : (
                          <Button variant="secondary" onClick={() => setRevoking(voucher.id)}>
                            {t('staff.vouchers.revoke')}
                          </Button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        )}
      </section>
    </>
  );
}
