import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { NumberInput } from '../shared/components/NumberInput.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../shared/i18n/i18n.ts';
import { GRANT_REASONS, type GrantReason, type HeldJob, type StaffApi } from './staff-api.ts';
import { Loading, Notice, SelectField, useDescribe, useLoad } from './ui.tsx';

/** The short list of reasons for extra pages (literal keys for the catalog test). */
export function grantReasonText(reason: GrantReason, t: Translate): string {
  switch (reason) {
    case 'job-application':
      return t('staff.reason.jobApplication');
    case 'authority-letter':
      return t('staff.reason.authorityLetter');
    case 'misprint':
      return t('staff.reason.misprint');
    case 'other':
      return t('staff.reason.other');
  }
}

function jobStateText(job: HeldJob, t: Translate): string {
  if (job.state === 'processing') return t('staff.jobs.state.printing');
  if (job.state === 'aborted') return t('staff.jobs.state.aborted');
  return t('staff.jobs.state.held');
}

/** What is open below a job or session: at most one question at a time. */
type Panel = { kind: 'grantJob'; jobId: number } | { kind: 'cancel'; jobId: number } | { kind: 'grantSession'; sessionId: string } | null;

function ReasonSelect({ value, onChange }: { value: GrantReason; onChange: (reason: GrantReason) => void }) {
  const { t } = useI18n();
  return (
    <SelectField
      label={t('staff.grant.reason')}
      value={value}
      options={GRANT_REASONS.map((reason) => ({ value: reason, label: grantReasonText(reason, t) }))}
      onValueChange={(next) => onChange(next as GrantReason)}
    />
  );
}

/** A question under a job or session; its heading takes the focus when it opens. */
export function PanelBox({ title, danger, children }: { title: string; danger?: boolean; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const titleId = `panel-${useId()}`;
  return (
    <div class={danger ? 'staff-panel staff-panel--danger' : 'staff-panel'} role="group" aria-labelledby={titleId}>
      <h5 id={titleId} ref={heading} tabIndex={-1} class="staff-panel__title">
        {title}
      </h5>
      {children}
    </div>
  );
}

/**
 * Held jobs per terminal — terminal, time, pages, copies, colour, expiry; never a document name
 * (the API has none to give). Staff cancel a job, let one job print beyond the quota, or give a
 * terminal session extra pages, each with a reason from the short list.
 */
export function JobsSection({ api }: { api: StaffApi }) {
  const { t, format } = useI18n();
  const describe = useDescribe();
  const { data, error, reload } = useLoad(() => api.jobs(), [api]);
  const [panel, setPanel] = useState<Panel>(null);
  const [reason, setReason] = useState<GrantReason>('job-application');
  const [pages, setPages] = useState(10);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const resultBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (result) resultBox.current?.focus();
  }, [result]);

  const open = (next: Panel) => {
    setReason('job-application');
    setPages(10);
    setPanel(next);
  };

  const act = async (action: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    try {
      const text = await action();
      setPanel(null);
      setResult({ kind: 'success', text });
      announce(text);
      reload();
    } catch (failure) {
      const text = describe(failure);
      setPanel(null);
      setResult({ kind: 'error', text });
      announce(text, 'assertive');
      reload();
    } finally {
      setBusy(false);
    }
  };

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!data) return <Loading />;

  const panelJob = panel && 'jobId' in panel ? panel.jobId : null;
  const terminals = data.terminals.filter((terminal) => terminal.jobs.length > 0);
  return (
    <>
      <p class="lead">{t('staff.jobs.intro')}</p>
      <p>{t('staff.jobs.privacy')}</p>
      <div ref={resultBox} tabIndex={-1} class="staff-result">
        {result && <Notice kind={result.kind}>{result.text}</Notice>}
      </div>
      {terminals.length === 0 && <p>{t('staff.jobs.none')}</p>}
      {terminals.map((terminal) => (
        <section key={terminal.terminalId} class="staff-section" aria-labelledby={`terminal-${terminal.terminalId}`}>
          <h2 id={`terminal-${terminal.terminalId}`}>{terminal.terminalName}</h2>
          {terminal.sessions.map((session, index) => {
            const jobs = terminal.jobs.filter((job) => job.sessionId === session.sessionId);
            if (jobs.length === 0) return null;
            return (
              <div key={session.sessionId} class="staff-session">
                <h3>{t('staff.jobs.session', { number: index + 1 })}</h3>
                <p>{t('staff.jobs.freePages', { count: session.availablePages })}</p>
                {panel?.kind === 'grantSession' && panel.sessionId === session.sessionId ? (
                  <PanelBox title={t('staff.grant.sessionTitle')}>
                    <NumberInput label={t('staff.grant.pages')} value={pages} min={1} max={500} onValueChange={setPages} />
                    <ReasonSelect value={reason} onChange={setReason} />
                    <div class="button-row">
                      <Button
                        onClick={() =>
                          void act(async () => {
                            const answer = await api.grantSession(session.sessionId, pages, reason);
                            return t('staff.grant.sessionDone', { pages, available: answer.availablePages });
                          })
                        }
                      >
                        {t('staff.grant.sessionConfirm', { pages })}
                      </Button>
                      <Button variant="secondary" onClick={() => setPanel(null)}>
                        {t('staff.back')}
                      </Button>
                    </div>
                  </PanelBox>
                ) : (
                  <Button variant="secondary" onClick={() => open({ kind: 'grantSession', sessionId: session.sessionId })}>
                    {t('staff.grant.sessionButton')}
                  </Button>
                )}
                <ul class="staff-cards">
                  {jobs.map((job) => {
                    const created = new Date(job.createdAt);
                    const waiting = job.state === 'held' || job.state === 'aborted';
                    return (
                      <li key={job.id} class="staff-card" data-job-id={job.id}>
                        <h4 class="staff-card__title">{t('staff.jobs.jobFrom', { time: format.time(created) })}</h4>
                        <p class="staff-state">{jobStateText(job, t)}</p>
                        <dl class="facts">
                          <div>
                            <dt>{t('staff.jobs.received')}</dt>
                            <dd>{format.dateTime(created)}</dd>
                          </div>
                          <div>
                            <dt>{t('staff.jobs.pages')}</dt>
                            <dd>{format.number(job.pages)}</dd>
                          </div>
                          <div>
                            <dt>{t('staff.jobs.copies')}</dt>
                            <dd>{format.number(job.copies)}</dd>
                          </div>
                          <div>
                            <dt>{t('staff.jobs.colour')}</dt>
                            <dd>{job.colorMode === 'color' ? t('staff.jobs.colourYes') : t('staff.jobs.colourNo')}</dd>
                          </div>
                          <div>
                            <dt>{t('staff.jobs.cost')}</dt>
                            <dd>{format.number(job.cost)}</dd>
                          </div>
                          <div>
                            <dt>{t('staff.jobs.expires')}</dt>
                            <dd>{format.dateTime(new Date(job.expiresAt))}</dd>
                          </div>
                        </dl>
                        {job.quotaOverride ? (
                          <p class="staff-state">
                            <span aria-hidden="true">✓ </span>
                            {t('staff.jobs.override')}
                          </p>
                        ) : job.missingPages > 0 ? (
                          <p class="staff-state staff-state--warning">
                            <span aria-hidden="true">⚠ </span>
                            {t('staff.jobs.missing', { count: job.missingPages })}
                          </p>
                        ) : null}
                        {waiting && panel?.kind === 'grantJob' && panel.jobId === job.id && (
                          <PanelBox title={t('staff.grant.jobTitle')}>
                            <p>{t('staff.grant.jobExplain', { cost: job.cost })}</p>
                            <ReasonSelect value={reason} onChange={setReason} />
                            <div class="button-row">
                              <Button
                                onClick={() =>
                                  void act(async () => {
                                    await api.grantJob(job.id, reason);
                                    return t('staff.grant.jobDone');
                                  })
                                }
                              >
                                {t('staff.grant.jobConfirm')}
                              </Button>
                              <Button variant="secondary" onClick={() => setPanel(null)}>
                                {t('staff.back')}
                              </Button>
                            </div>
                          </PanelBox>
                        )}
                        {waiting && panel?.kind === 'cancel' && panel.jobId === job.id && (
                          <PanelBox title={t('staff.cancel.question')} danger>
                            <p>{t('staff.cancel.warning')}</p>
                            <div class="button-row">
                              <Button
                                variant="danger"
                                onClick={() =>
                                  void act(async () => {
                                    await api.cancelJob(job.id);
                                    return t('staff.cancel.done');
                                  })
                                }
                              >
                                {t('staff.cancel.confirm')}
                              </Button>
                              <Button variant="secondary" onClick={() => setPanel(null)}>
                                {t('staff.back')}
                              </Button>
                            </div>
                          </PanelBox>
                        )}
                        {waiting && panelJob !== job.id && (
                          <div class="button-row">
                            {!job.quotaOverride && (
                              <Button variant="secondary" onClick={() => open({ kind: 'grantJob', jobId: job.id })}>
                                {t('staff.grant.jobButton')}
                              </Button>
                            )}
                            <Button variant="danger" onClick={() => open({ kind: 'cancel', jobId: job.id })}>
                              {t('staff.cancel.button')}
                            </Button>
                          </div>
                        )}
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })}
        </section>
      ))}
      <Button variant="secondary" onClick={reload}>
        {t('staff.refresh')}
      </Button>
    </>
  );
}
