import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { groupCode, isSectionHash, ruleFormOf, sectionFromHash, sectionsFor, validateRuleForm, weekdayName } from '../../web/staff/staff-format.ts';
import { labelStep, niceMax } from '../../web/shared/components/BarChart.tsx';
import { normalizeVoucherInput } from '../../web/station/station-api.ts';
import { createWedgeDetector } from '../../web/station/wedge.ts';
import type { RuleValues } from '../../web/staff/staff-api.ts';

const rules: RuleValues = {
  pagesPerSession: 30,
  pagesPerTerminalPerDay: 100,
  pagesPerSitePerDay: 500,
  pagesPerSitePerWeek: null,
  pagesPerSitePerMonth: 9000,
  colorFactor: 1.5,
  scansCounted: false,
};

describe('staff console sections', () => {
  test('staff members get the four everyday sections, admins all eight', () => {
    expect(sectionsFor('staff')).toEqual(['overview', 'jobs', 'lost-code', 'vouchers']);
    expect(sectionsFor('admin')).toHaveLength(8);
  });

  test('an admin address opened by a staff member, or an unknown one, shows the overview', () => {
    expect(sectionFromHash('#/stats', 'staff')).toBe('overview');
    expect(sectionFromHash('#/stats', 'admin')).toBe('stats');
    expect(sectionFromHash('#/nonsense', 'admin')).toBe('overview');
    expect(sectionFromHash('', 'staff')).toBe('overview');
  });

  test('the skip link’s #main is no navigation', () => {
    expect(isSectionHash('#main')).toBe(false);
    expect(isSectionHash('#/jobs')).toBe(true);
  });

  test('a release code is shown in two groups of three digits', () => {
    expect(groupCode('123456')).toBe('123 456');
  });

  test('weekday 1 is Monday and 7 Sunday, in the page language', () => {
    expect(weekdayName(1, 'de')).toBe('Montag');
    expect(weekdayName(7, 'en')).toBe('Sunday');
  });
});

describe('quota rules form', () => {
  test('the stored rules come back unchanged through the form', () => {
    expect(validateRuleForm(ruleFormOf(rules))).toEqual({ values: rules, problems: null });
  });

  test('a decimal comma is accepted, an empty week or month means no limit', () => {
    const checked = validateRuleForm({ ...ruleFormOf(rules), colorFactor: '2,5', pagesPerSitePerMonth: ' ' });
    expect(checked.values).toMatchObject({ colorFactor: 2.5, pagesPerSitePerMonth: null });
  });

  test('words, negative or too large numbers and a factor outside 1–10 are each named', () => {
    const checked = validateRuleForm({ ...ruleFormOf(rules), pagesPerSession: 'viele', pagesPerTerminalPerDay: '-3', pagesPerSitePerDay: '1000001', colorFactor: '0,5' });
    expect(checked.problems).toEqual({
      pagesPerSession: { kind: 'whole', max: 10_000 },
      pagesPerTerminalPerDay: { kind: 'whole', max: 100_000 },
      pagesPerSitePerDay: { kind: 'whole', max: 1_000_000 },
      colorFactor: { kind: 'factor' },
    });
  });

  test('a session limit may not be left empty', () => {
    expect(validateRuleForm({ ...ruleFormOf(rules), pagesPerSession: '' }).problems).toHaveProperty('pagesPerSession');
  });
});

describe('bar chart scale', () => {
  test('the axis ends at a round number at or above the largest value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (max) => {
        const top = niceMax(max);
        expect(top).toBeGreaterThanOrEqual(max);
        expect(top).toBeLessThanOrEqual(max * 5);
        expect(String(top)).toMatch(/^[125]0*$/);
      }),
    );
    expect(niceMax(0)).toBe(1);
  });

  test('at most about twelve labels are written under the bars', () => {
    expect(labelStep(7)).toBe(1);
    expect(labelStep(24)).toBe(2);
    expect(Math.ceil(31 / labelStep(31))).toBeLessThanOrEqual(12);
  });
});

describe('voucher codes at the station', () => {
  test('typed in any case, with or without dash or spaces, or scanned with DPV-, a code becomes ABCDE-FGHJK', () => {
    for (const input of ['ABCDE-FGHJK', 'abcdefghjk', ' abcde fghjk ', 'DPV-ABCDEFGHJK', 'dpv-abcde-fghjk']) {
      expect(normalizeVoucherInput(input), input).toBe('ABCDE-FGHJK');
    }
  });

  test('too short, too long, or with letters vouchers never use (0, 1, I, O) is no code', () => {
    for (const input of ['', 'ABCDE', 'ABCDE-FGHJKL', 'ABCDE-FGHJ0', 'ABCDE-FGHJ1', 'IBCDE-FGHJK', 'OBCDE-FGHJK']) {
      expect(normalizeVoucherInput(input), input).toBeNull();
    }
  });

  test('the scanner detector recognises a voucher QR burst as well as a release QR burst', () => {
    const wedge = createWedgeDetector({ otherPrefixes: ['DPV-'] });
    const feed = (text: string, start: number) => [...text, 'Enter'].map((key, index) => wedge.key(key, start + index * 5));
    expect(feed('DPV-ABCDEFGHJK', 1000).at(-1)).toEqual({ kind: 'scan', text: 'DPV-ABCDEFGHJK' });
    expect(feed('DP1-abcdefgh', 5000).at(-1)).toEqual({ kind: 'scan', text: 'DP1-abcdefgh' });
    // Typed slowly it is no scan.
    const slow = [...'DPV-ABCDEFGHJK', 'Enter'].map((key, index) => wedge.key(key, 9000 + index * 300));
    expect(slow.some((verdict) => verdict.kind === 'scan')).toBe(false);
  });
});
