import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { TextInput } from '../shared/components/TextInput.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../shared/i18n/i18n.ts';
import type { Rules, StaffApi } from './staff-api.ts';
import { ruleFormOf, validateRuleForm, type RuleForm, type RuleProblem } from './staff-format.ts';
import { CheckboxField, Loading, Notice, useDescribe, useLoad } from './ui.tsx';

type NumberField = Exclude<keyof RuleForm, 'scansCounted'>;

function fieldLabel(field: NumberField, t: Translate): string {
  switch (field) {
    case 'pagesPerSession':
      return t('staff.rules.pagesPerSession');
    case 'pagesPerTerminalPerDay':
      return t('staff.rules.pagesPerTerminalPerDay');
    case 'pagesPerSitePerDay':
      return t('staff.rules.pagesPerSitePerDay');
    case 'pagesPerSitePerWeek':
      return t('staff.rules.pagesPerSitePerWeek');
    case 'pagesPerSitePerMonth':
      return t('staff.rules.pagesPerSitePerMonth');
    case 'colorFactor':
      return t('staff.rules.colorFactor');
  }
}

function fieldHint(field: NumberField, t: Translate): string | undefined {
  if (field === 'pagesPerSitePerWeek' || field === 'pagesPerSitePerMonth') return t('staff.rules.emptyNoLimit');
  if (field === 'colorFactor') return t('staff.rules.colorFactorHint');
  return undefined;
}

function problemText(problem: RuleProblem | undefined, t: Translate, format: (n: number) => string): string | undefined {
  if (!problem) return undefined;
  return problem.kind === 'factor' ? t('staff.rules.factorInvalid') : t('staff.rules.wholeInvalid', { max: format(problem.max) });
}

const NUMBER_FIELDS: NumberField[] = ['pagesPerSession', 'pagesPerTerminalPerDay', 'pagesPerSitePerDay', 'pagesPerSitePerWeek', 'pagesPerSitePerMonth', 'colorFactor'];

function RulesForm({ api, rules, onSaved }: { api: StaffApi; rules: Rules; onSaved: (rules: Rules) => void }) {
  const { t, format } = useI18n();
  const describe = useDescribe();
  const [form, setForm] = useState<RuleForm>(() => ruleFormOf(rules));
  const [problems, setProblems] = useState<Partial<Record<keyof RuleForm, RuleProblem>>>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const messageBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) messageBox.current?.focus();
  }, [message]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const checked = validateRuleForm(form);
    if (checked.problems) {
      setProblems(checked.problems);
      const text = t('staff.rules.fixFields', { count: Object.keys(checked.problems).length });
      setMessage({ kind: 'error', text });
      announce(text, 'assertive');
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      const answer = await api.saveRules(rules.siteId, checked.values);
      const text = t('staff.rules.saved');
      setMessage({ kind: 'success', text });
      announce(text);
      onSaved(answer.current);
    } catch (failure) {
      const text = describe(failure);
      setMessage({ kind: 'error', text });
      announce(text, 'assertive');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate class="staff-form">
      <div ref={messageBox} tabIndex={-1} class="staff-result">
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
      </div>
      {NUMBER_FIELDS.map((field) => (
        <TextInput
          key={field}
          label={fieldLabel(field, t)}
          hint={fieldHint(field, t)}
          inputMode={field === 'colorFactor' ? 'decimal' : 'numeric'}
          value={form[field]}
          onValueChange={(value) => setForm((current) => ({ ...current, [field]: value }))}
          error={problemText(problems[field], t, (n) => format.number(n))}
          maxLength={12}
        />
      ))}
      <CheckboxField label={t('staff.rules.scansCounted')} hint={t('staff.rules.scansCountedHint')} checked={form.scansCounted} onCheckedChange={(on) => setForm((current) => ({ ...current, scansCounted: on }))} />
      <Button type="submit">{t('staff.rules.save')}</Button>
    </form>
  );
}

/** The quota rules of the site (admins): free pages per session, terminal and site, colour factor, scans. */
export function RulesSection({ api }: { api: StaffApi }) {
  const { t, format } = useI18n();
  const { data, error } = useLoad(() => api.rules(), [api]);
  const [saved, setSaved] = useState<Rules | null>(null);
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!data) return <Loading />;
  const current = saved ?? data.current;
  return (
    <>
      <p class="lead">{t('staff.rules.intro')}</p>
      <p>
        {current.changedAt
          ? t('staff.rules.changed', { version: current.version, by: current.changedBy, when: format.dateTime(new Date(current.changedAt)) })
          : t('staff.rules.fromConfig')}
      </p>
      <RulesForm api={api} rules={current} onSaved={setSaved} />
    </>
  );
}
