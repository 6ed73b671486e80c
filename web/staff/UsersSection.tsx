import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { TextInput } from '../shared/components/TextInput.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Me, Role, StaffApi, StaffUser } from './staff-api.ts';
import { MIN_PASSWORD_LENGTH, USER_NAME_PATTERN } from './staff-format.ts';
import { Loading, Notice, SelectField, TableBox, useDescribe, useLoad } from './ui.tsx';

/** Staff accounts (admins): list, create, switch off and on again. */
export function UsersSection({ api, me }: { api: StaffApi; me: Me }) {
  const { t, format } = useI18n();
  const describe = useDescribe();
  const { data, error, reload } = useLoad(() => api.users(), [api]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<{ name?: string; password?: string }>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const messageBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) messageBox.current?.focus();
  }, [message]);

  const report = (kind: 'success' | 'error', text: string) => {
    setMessage({ kind, text });
    announce(text, kind === 'error' ? 'assertive' : 'polite');
  };

  const create = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const next: typeof problems = {};
    if (!USER_NAME_PATTERN.test(name.trim())) next.name = t('staff.users.nameInvalid');
    if (password.length < MIN_PASSWORD_LENGTH) next.password = t('staff.users.passwordShort', { min: MIN_PASSWORD_LENGTH });
    setProblems(next);
    if (Object.keys(next).length > 0) {
      report('error', t('staff.rules.fixFields', { count: Object.keys(next).length }));
      return;
    }
    setBusy(true);
    try {
      const user = await api.createUser({ name: name.trim(), role, password });
      setName('');
      setPassword('');
      report('success', t('staff.users.created', { name: user.name }));
      reload();
    } catch (failure) {
      report('error', describe(failure));
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (user: StaffUser) => {
    if (busy) return;
    setBusy(true);
    try {
      const changed = await api.setUserDisabled(user.id, !user.disabled);
      report('success', changed.disabled ? t('staff.users.disabledDone', { name: changed.name }) : t('staff.users.enabledDone', { name: changed.name }));
      reload();
    } catch (failure) {
      report('error', describe(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="lead">{t('staff.users.intro')}</p>
      <div ref={messageBox} tabIndex={-1} class="staff-result">
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
      </div>
      <section class="staff-section" aria-labelledby="users-list">
        <h2 id="users-list">{t('staff.users.listTitle')}</h2>
        {error && <Notice kind="error">{error}</Notice>}
        {!data && !error && <Loading />}
        {data && (
          <TableBox label={t('staff.users.listTitle')}>
            <table class="data-table">
              <caption>{t('staff.users.listCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('staff.users.col.name')}</th>
                  <th scope="col">{t('staff.users.col.role')}</th>
                  <th scope="col">{t('staff.users.col.state')}</th>
                  <th scope="col">{t('staff.users.col.since')}</th>
                  <th scope="col">{t('staff.users.col.action')}</th>
                </tr>
              </thead>
              <tbody>
                {data.users.map((user) => (
                  <tr key={user.id}>
                    <th scope="row">{user.name}</th>
                    <td>{user.role === 'admin' ? t('staff.users.role.admin') : t('staff.users.role.staff')}</td>
                    <td>
                      {user.disabled
                        ? t('staff.users.state.disabled')
                        : user.lockedUntil
                          ? t('staff.users.state.locked', { until: format.time(new Date(user.lockedUntil)) })
                          : t('staff.users.state.active')}
                    </td>
                    <td>{format.date(new Date(user.createdAt))}</td>
                    <td>
                      {user.id !== me.user.id && (
                        <Button variant={user.disabled ? 'secondary' : 'danger'} onClick={() => void toggle(user)}>
                          {user.disabled ? t('staff.users.enable', { name: user.name }) : t('staff.users.disable', { name: user.name })}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        )}
      </section>
      <form onSubmit={create} noValidate class="staff-form staff-section">
        <h2>{t('staff.users.newTitle')}</h2>
        <TextInput label={t('staff.users.name')} hint={t('staff.users.nameHint')} value={name} onValueChange={setName} error={problems.name} autoComplete="off" spellcheck={false} maxLength={40} />
        <SelectField
          label={t('staff.users.role')}
          value={role}
          options={[
            { value: 'staff', label: t('staff.users.role.staff') },
            { value: 'admin', label: t('staff.users.role.admin') },
          ]}
          onValueChange={(value) => setRole(value as Role)}
        />
        <TextInput
          type="password"
          label={t('staff.users.password')}
          hint={t('staff.users.passwordHint', { min: MIN_PASSWORD_LENGTH })}
          value={password}
          onValueChange={setPassword}
          error={problems.password}
          autoComplete="new-password"
          maxLength={200}
        />
        <Button type="submit">{t('staff.users.create')}</Button>
      </form>
    </>
  );
}
