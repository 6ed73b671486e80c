import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { Page } from '../shared/components/Page.tsx';
import { TextInput } from '../shared/components/TextInput.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../shared/i18n/i18n.ts';
import { useSiteInfo } from '../shared/site-info.ts';
import { readSession, writeSession } from '../shared/session-store.ts';
import { createStaffApi, type Me, type StaffApi } from './staff-api.ts';
import { isSectionHash, sectionFromHash, sectionsFor, type SectionId } from './staff-format.ts';
import { Notice, useDescribe } from './ui.tsx';
import { OverviewSection } from './OverviewSection.tsx';
import { JobsSection } from './JobsSection.tsx';
import { LostCodeSection } from './LostCodeSection.tsx';
import { VouchersSection } from './VouchersSection.tsx';
import { RulesSection } from './RulesSection.tsx';
import { UsersSection } from './UsersSection.tsx';
import { AuditSection } from './AuditSection.tsx';
import { StatsSection } from './StatsSection.tsx';
import './staff.css';

/** The visible name of a section (literal keys, so the catalog test sees them). */
export function sectionTitle(id: SectionId, t: Translate): string {
  switch (id) {
    case 'overview':
      return t('staff.nav.overview');
    case 'jobs':
      return t('staff.nav.jobs');
    case 'lost-code':
      return t('staff.nav.lostCode');
    case 'vouchers':
      return t('staff.nav.vouchers');
    case 'rules':
      return t('staff.nav.rules');
    case 'users':
      return t('staff.nav.users');
    case 'audit':
      return t('staff.nav.audit');
    case 'stats':
      return t('staff.nav.stats');
  }
}

/** Set in this tab's sessionStorage while logged in; the session itself is the HttpOnly cookie. */
const SESSION_HINT = 'druckpunkt.staffLoggedIn';

type LoginState = { kind: 'checking' } | { kind: 'out'; notice?: 'expired' | 'loggedOut' } | { kind: 'in'; me: Me };

function LoginForm({ api, onLoggedIn, notice }: { api: StaffApi; onLoggedIn: (me: Me) => void; notice?: 'expired' | 'loggedOut' }) {
  const { t } = useI18n();
  const describe = useDescribe();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<{ name?: boolean; password?: boolean }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const lacking = { name: name.trim() === '', password: password === '' };
    setMissing(lacking);
    if (lacking.name || lacking.password) {
      announce(t('staff.login.fillBoth'), 'assertive');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await api.login(name.trim(), password));
    } catch (failure) {
      const message = describe(failure);
      setPassword('');
      setError(message);
      announce(message, 'assertive');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="login-title" class="staff-login">
      <p class="lead">{t('staff.intro')}</p>
      <h2 id="login-title">{t('staff.login.title')}</h2>
      {notice === 'expired' && <Notice kind="info">{t('staff.login.expired')}</Notice>}
      {notice === 'loggedOut' && <Notice kind="success">{t('staff.login.loggedOut')}</Notice>}
      <p>{t('staff.login.intro')}</p>
      {error && <Notice kind="error">{error}</Notice>}
      <form onSubmit={submit} noValidate>
        <TextInput
          label={t('staff.login.name')}
          value={name}
          onValueChange={setName}
          autoComplete="username"
          spellcheck={false}
          maxLength={40}
          error={missing.name ? t('staff.login.nameMissing') : undefined}
        />
        <TextInput
          type="password"
          label={t('staff.login.password')}
          value={password}
          onValueChange={setPassword}
          autoComplete="current-password"
          maxLength={200}
          error={missing.password ? t('staff.login.passwordMissing') : undefined}
        />
        <Button type="submit" aria-disabled={busy ? 'true' : undefined}>
          {busy ? t('staff.login.checking') : t('staff.login.submit')}
        </Button>
      </form>
    </section>
  );
}

function currentHash() {
  return window.location.hash;
}

/** The staff console: login, then the sections in a navigation (hash addresses: `/staff#/jobs`). */
export function StaffApp() {
  const { t } = useI18n();
  const siteInfo = useSiteInfo();
  const [login, setLogin] = useState<LoginState>({ kind: 'checking' });
  const [hash, setHash] = useState(currentHash);
  const translate = useRef(t);
  translate.current = t;

  const api = useMemo(
    () =>
      createStaffApi({
        // The server's idle timeout ended the session: back to the login, with a word why.
        onLoggedOut: () => {
          announce(translate.current('staff.login.expired'), 'assertive');
          setLogin({ kind: 'out', notice: 'expired' });
        },
      }),
    // One api (and CSRF token) per page; the callback reads the current language through a ref.
    [],
  );

  useEffect(() => {
    // Asked only when this tab logged in before (a reload): a fresh visit goes straight to the
    // login form instead of provoking a 401 the browser would log as an error.
    if (readSession(SESSION_HINT) !== 'on') {
      setLogin({ kind: 'out' });
      return;
    }
    let current = true;
    api
      .me()
      .then((me) => current && setLogin(me ? { kind: 'in', me } : { kind: 'out' }))
      .catch(() => current && setLogin({ kind: 'out' }));
    return () => {
      current = false;
    };
  }, [api]);

  useEffect(() => {
    if (login.kind === 'in') writeSession(SESSION_HINT, 'on');
    else if (login.kind === 'out') writeSession(SESSION_HINT, null);
  }, [login.kind]);

  useEffect(() => {
    const onHashChange = () => {
      if (isSectionHash(currentHash())) setHash(currentHash());
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // Already logged out on the server; the login form is the right place either way.
    }
    setLogin({ kind: 'out', notice: 'loggedOut' });
  }, [api]);

  const siteName = siteInfo?.site.name;

  if (login.kind !== 'in') {
    return (
      <Page title={t('staff.title')} siteName={siteName} screenKey={login.kind === 'out' ? `out-${login.notice ?? ''}` : 'checking'}>
        {login.kind === 'checking' ? (
          <p role="status">{t('staff.loading')}</p>
        ) : (
          <LoginForm
            api={api}
            notice={login.notice}
            onLoggedIn={(me) => {
              setLogin({ kind: 'in', me });
              announce(t('staff.login.welcome', { name: me.user.name }));
            }}
          />
        )}
      </Page>
    );
  }

  const { me } = login;
  const section = sectionFromHash(hash, me.user.role);
  const nav = (
    <nav class="staff-nav" aria-label={t('staff.nav.label')}>
      <div class="staff-nav__inner">
        <ul class="staff-nav__list">
          {sectionsFor(me.user.role).map((id) => (
            <li key={id}>
              <a class="staff-nav__link" href={`#/${id}`} aria-current={id === section ? 'page' : undefined}>
                {sectionTitle(id, t)}
              </a>
            </li>
          ))}
        </ul>
        <p class="staff-nav__user">
          <span>{me.user.role === 'admin' ? t('staff.nav.signedInAdmin', { name: me.user.name }) : t('staff.nav.signedInStaff', { name: me.user.name })}</span>
          <Button variant="secondary" onClick={() => void logout()}>
            {t('staff.nav.logout')}
          </Button>
        </p>
      </div>
    </nav>
  );

  return (
    <Page title={sectionTitle(section, t)} siteName={siteName} screenKey={`in-${section}`} nav={nav}>
      {section === 'overview' && <OverviewSection api={api} />}
      {section === 'jobs' && <JobsSection api={api} />}
      {section === 'lost-code' && <LostCodeSection api={api} />}
      {section === 'vouchers' && <VouchersSection api={api} />}
      {section === 'rules' && <RulesSection api={api} />}
      {section === 'users' && <UsersSection api={api} me={me} />}
      {section === 'audit' && <AuditSection api={api} />}
      {section === 'stats' && <StatsSection api={api} />}
    </Page>
  );
}
