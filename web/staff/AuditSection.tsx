import { useEffect, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../shared/i18n/i18n.ts';
import type { AuditEntry, StaffApi } from './staff-api.ts';
import { Loading, Notice, TableBox, useDescribe, useLoad } from './ui.tsx';

/** The audit log's action codes in plain words; unknown (newer) codes are shown as they are. */
export function auditActionText(action: string, t: Translate): string {
  switch (action) {
    case 'login':
      return t('staff.audit.action.login');
    case 'login.failed':
      return t('staff.audit.action.loginFailed');
    case 'login.refused':
      return t('staff.audit.action.loginRefused');
    case 'logout':
      return t('staff.audit.action.logout');
    case 'user.create':
      return t('staff.audit.action.userCreate');
    case 'user.disable':
      return t('staff.audit.action.userDisable');
    case 'user.enable':
      return t('staff.audit.action.userEnable');
    case 'user.reset-password':
      return t('staff.audit.action.userPassword');
    case 'job.cancel':
      return t('staff.audit.action.jobCancel');
    case 'lost-code.lookup':
      return t('staff.audit.action.lostCode');
    case 'grant.session':
      return t('staff.audit.action.grantSession');
    case 'grant.job':
      return t('staff.audit.action.grantJob');
    case 'voucher.create':
      return t('staff.audit.action.voucherCreate');
    case 'voucher.slip':
      return t('staff.audit.action.voucherSlip');
    case 'voucher.revoke':
      return t('staff.audit.action.voucherRevoke');
    case 'rules.update':
      return t('staff.audit.action.rulesUpdate');
    default:
      return action;
  }
}

function detailsText(details: AuditEntry['details']): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
}

/** The audit log (admins): who did what when; newest first, older pages on request. */
export function AuditSection({ api }: { api: StaffApi }) {
  const { t, format } = useI18n();
  const describe = useDescribe();
  const { data, error } = useLoad(() => api.audit(), [api]);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(true);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    if (data) {
      setEntries(data.entries);
      setMore(data.entries.length === 50);
    }
  }, [data]);

  const loadOlder = async () => {
    const last = entries.at(-1);
    if (!last) return;
    try {
      const older = await api.audit(last.id);
      setEntries((current) => [...current, ...older.entries]);
      setMore(older.entries.length === 50);
    } catch (problem) {
      setFailure(describe(problem));
    }
  };

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!data) return <Loading />;
  return (
    <>
      <p class="lead">{t('staff.audit.intro')}</p>
      {entries.length === 0 ? (
        <p>{t('staff.audit.none')}</p>
      ) : (
        <TableBox label={t('staff.nav.audit')}>
          <table class="data-table">
            <caption>{t('staff.audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.audit.col.when')}</th>
                <th scope="col">{t('staff.audit.col.who')}</th>
                <th scope="col">{t('staff.audit.col.what')}</th>
                <th scope="col">{t('staff.audit.col.target')}</th>
                <th scope="col">{t('staff.audit.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{format.dateTime(new Date(entry.at))}</td>
                  <td>{entry.userName}</td>
                  <td>{auditActionText(entry.action, t)}</td>
                  <td dir="ltr">{[entry.targetType, entry.targetId].filter(Boolean).join(' ')}</td>
                  <td dir="ltr">{detailsText(entry.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {failure && <Notice kind="error">{failure}</Notice>}
      {more && entries.length > 0 && (
        <Button variant="secondary" onClick={() => void loadOlder()}>
          {t('staff.audit.older')}
        </Button>
      )}
    </>
  );
}
