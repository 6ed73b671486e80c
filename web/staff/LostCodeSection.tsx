import { useMemo, useRef, useState, useEffect } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { TextInput } from '../shared/components/TextInput.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../shared/i18n/i18n.ts';
import { LOST_CODE_REASONS, type LostCodeAnswer, type LostCodeReason, type StaffApi } from './staff-api.ts';
import { defaultLostCodeWindow, groupCode } from './staff-format.ts';
import { DateField, Notice, SelectField, useDescribe, useLoad } from './ui.tsx';

function lostCodeReasonText(reason: LostCodeReason, t: Translate): string {
  switch (reason) {
    case 'citizen-lost-code':
      return t('staff.lostCode.reason.lost');
    case 'citizen-closed-page':
      return t('staff.lostCode.reason.closed');
    case 'other':
      return t('staff.reason.other');
  }
}

/**
 * "Code vergessen?": terminal and time window → the release code of the terminal sessions in that
 * window, once, in large digits. Every lookup is written to the audit log with its reason.
 */
export function LostCodeSection({ api }: { api: StaffApi }) {
  const { t, format } = useI18n();
  const describe = useDescribe();
  // Terminals with waiting jobs are the ones a lost code matters for; the field also takes any id.
  const { data: jobs } = useLoad(() => api.jobs(), [api]);
  const known = useMemo(() => jobs?.terminals.map((terminal) => ({ value: terminal.terminalId, label: terminal.terminalName })) ?? [], [jobs]);
  const initial = useMemo(() => defaultLostCodeWindow(new Date()), []);
  const [terminal, setTerminal] = useState('');
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [reason, setReason] = useState<LostCodeReason>('citizen-lost-code');
  const [problems, setProblems] = useState<{ terminal?: string; window?: string }>({});
  const [answer, setAnswer] = useState<LostCodeAnswer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  const chosenTerminal = terminal || known[0]?.value || '';

  useEffect(() => {
    if (answer) resultHeading.current?.focus();
  }, [answer]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const start = new Date(from);
    const end = new Date(to);
    const next: typeof problems = {};
    if (chosenTerminal.trim() === '') next.terminal = t('staff.lostCode.terminalMissing');
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start > end || end.getTime() - start.getTime() > 24 * 3_600_000) {
      next.window = t('staff.lostCode.windowInvalid');
    }
    setProblems(next);
    setAnswer(null);
    setFailure(null);
    if (Object.keys(next).length > 0) {
      announce(Object.values(next).join(' '), 'assertive');
      return;
    }
    setBusy(true);
    try {
      const result = await api.lostCode({ terminalId: chosenTerminal.trim(), from: start.toISOString(), to: end.toISOString(), reason });
      setAnswer(result);
    } catch (error) {
      const text = describe(error);
      setFailure(text);
      announce(text, 'assertive');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="lead">{t('staff.lostCode.intro')}</p>
      <p>{t('staff.lostCode.audited')}</p>
      <form onSubmit={submit} noValidate class="staff-form">
        {known.length > 0 ? (
          <SelectField label={t('staff.lostCode.terminal')} value={chosenTerminal} options={known} onValueChange={setTerminal} />
        ) : (
          <TextInput label={t('staff.lostCode.terminal')} hint={t('staff.lostCode.terminalHint')} value={terminal} onValueChange={setTerminal} error={problems.terminal} spellcheck={false} maxLength={40} />
        )}
        <DateField type="datetime-local" label={t('staff.lostCode.from')} value={from} onValueChange={setFrom} error={problems.window} />
        <DateField type="datetime-local" label={t('staff.lostCode.to')} value={to} onValueChange={setTo} hint={t('staff.lostCode.windowHint')} />
        <SelectField
          label={t('staff.lostCode.reason')}
          value={reason}
          options={LOST_CODE_REASONS.map((value) => ({ value, label: lostCodeReasonText(value, t) }))}
          onValueChange={(value) => setReason(value as LostCodeReason)}
        />
        <Button type="submit">{t('staff.lostCode.submit')}</Button>
      </form>
      {failure && <Notice kind="error">{failure}</Notice>}
      {answer && (
        <section class="staff-section" aria-labelledby="lost-code-result">
          <h2 id="lost-code-result" ref={resultHeading} tabIndex={-1}>
            {t('staff.lostCode.resultTitle')}
          </h2>
          {answer.sessions.length === 0 && <p>{t('staff.lostCode.noSessions')}</p>}
          <ul class="staff-cards">
            {answer.sessions.map((session) => (
              <li key={session.sessionId} class="staff-card">
                <p>
                  {session.endedAt
                    ? t('staff.lostCode.sessionEnded', { start: format.dateTime(new Date(session.startedAt)), end: format.time(new Date(session.endedAt)) })
                    : t('staff.lostCode.sessionOpen', { start: format.dateTime(new Date(session.startedAt)) })}
                </p>
                <p>{t('staff.lostCode.jobsWaiting', { count: session.jobsWaiting })}</p>
                {session.code ? (
                  <p class="staff-code">
                    <span class="staff-code__label">{t('staff.lostCode.code')}</span>{' '}
                    <span class="staff-code__digits" dir="ltr">
                      {groupCode(session.code)}
                    </span>
                  </p>
                ) : (
                  <p>{t('staff.lostCode.noCode')}</p>
                )}
              </li>
            ))}
          </ul>
          <p>{t('staff.lostCode.once')}</p>
          <Button variant="secondary" onClick={() => setAnswer(null)}>
            {t('staff.lostCode.hide')}
          </Button>
        </section>
      )}
    </>
  );
}
