import { join } from 'node:path';
import { DEFAULT_DATA_DIR, loadNumberingFile } from '../reference/referenceData';
import { NumberingPlan } from './classify';
import { isWithheldCaller, normalisePeer, normaliseSubscriberNumber } from './peer';
import { NumberingPlanFile } from './plan';

const plan = new NumberingPlan(loadNumberingFile(join(DEFAULT_DATA_DIR, 'numbering', 'jp-reference.json')));

/** An instant in Japan time, written as the spec writes it. */
const jst = (text: string): number => Date.parse(text);
/** A date when none of the dated rules is near a boundary. */
const APRIL_2011 = jst('2011-04-01T09:00:00+09:00');

describe('normalisePeer', () => {
  test.each([
    ['0312345678', '0312345678'],
    ['03-1234-5678', '0312345678'], // hyphens ignored
    ['(03) 1234 5678', '0312345678'], // parentheses and spaces ignored
    ['+81 3 1234 5678', '0312345678'], // +81 is domestic 0
    ['+81-90-1111-2222', '09011112222'],
    ['+1 212 555 0100', '01012125550100'], // +<cc> (cc ≠ 81) is 010<cc>
    ['+44 20 7946 0000', '010442079460000'],
    ['+86 10 1234 5678', '010861012345678'],
    ['110', '110'],
    ['\t03 1234 5678 ', '0312345678'], // blanks of any kind
  ])('%p → %p', (raw, digits) => {
    expect(normalisePeer(raw)).toEqual({ ok: true, digits });
  });

  test.each([
    ['12a', 'a letter'],
    ['*86', 'a star code'],
    ['#31#', 'a hash code'],
    ['', 'nothing'],
    ['03.1234.5678', 'dots'],
    ['０３１２３４５６７８', 'full-width digits'],
    ['anonymous', 'a withheld caller id'],
  ])('rejects %p (%s)', (raw) => {
    expect(normalisePeer(raw)).toEqual({ ok: false, message: `"${raw}" is not a telephone number` });
  });

  test('a plus alone or a bare country code reads as digits the numbering plan then finds invalid', () => {
    // '+' → '010' + '' ; '+81' → '0' + ''
    expect(normalisePeer('+')).toEqual({ ok: true, digits: '010' });
    expect(normalisePeer('+81')).toEqual({ ok: true, digits: '0' });
    expect(plan.classify('010', APRIL_2011)).toMatchObject({ kind: 'invalid' });
    expect(plan.classify('0', APRIL_2011)).toMatchObject({ kind: 'invalid' });
  });
});

describe('normaliseSubscriberNumber', () => {
  test.each([
    ['05012345678', '05012345678'],
    ['050-1234-5678', '05012345678'],
    ['+81 50 1234 5678', '05012345678'],
    [' 050 1234 5678 ', '05012345678'],
  ])('%p is the 050 number %p', (raw, number) => {
    expect(normaliseSubscriberNumber(raw)).toBe(number);
  });

  test.each([
    ['0312345678', 'a fixed line'],
    ['09011112222', 'a mobile'],
    ['0501234567', '050 with 10 digits'],
    ['050123456789', '050 with 12 digits'],
    ['+1 50 1234 5678', 'not Japan'],
    ['050-1234-567a', 'a letter'],
    ['', 'empty'],
  ])('%p is not a subscriber number (%s)', (raw) => {
    expect(normaliseSubscriberNumber(raw)).toBeNull();
  });
});

describe('isWithheldCaller', () => {
  test.each(['', '  ', 'anonymous', 'Anonymous', 'ANONYMOUS', ' anonymous ', '非通知'])('%p is withheld', (raw) => {
    expect(isWithheldCaller(raw)).toBe(true);
  });

  test.each(['0312345678', 'unknown', '通知', 'anon', '12a'])('%p is not withheld', (raw) => {
    expect(isWithheldCaller(raw)).toBe(false);
  });
});

describe('NumberingPlan.classify with the reference plan', () => {
  test('is the reference plan', () => {
    expect(plan.id).toBe('JP-050-REFERENCE');
  });

  test.each([
    // general: fixed 0AB-J, 0 + 9 digits
    ['0312345678', 'general'], // Tokyo
    ['0612345678', 'general'], // Osaka
    ['0451234567', 'general'], // Yokohama
    ['0111234567', 'general'], // Sapporo
    ['0992123456', 'general'], // Kagoshima (099, not the 0990 carrier code)
    ['0712345678', 'general'], // 07x fixed, not 070
    ['0812345678', 'general'], // 08x fixed, not 080/0800
    ['0512345678', 'general'], // 05x fixed, not 050/0570
    // free dial is general (priced 0 by the tariff)
    ['0120123456', 'general'], // 0120 + 6
    ['08001234567', 'general'], // 0800 + 7
    // mobile
    ['08012345678', 'mobile'],
    ['09012345678', 'mobile'],
    // IP
    ['05012345678', 'ip'],
    // international: 010 + 6..15 digits
    ['010123456', 'international'], // 010 + 6, the shortest
    ['01012125550100', 'international'], // US
    ['010123456789012345', 'international'], // 010 + 15, the longest
  ] as const)('%p is callable as %s', (digits, type) => {
    expect(plan.classify(digits, APRIL_2011)).toMatchObject({ kind: 'callable', type });
  });

  test.each([
    // [digits, the prefix that makes it not callable]
    ['0570', '0570'], // at any length (0570 + 6 digits may be priced: below)
    ['05701234567', '0570'], // 0570 + 7: not the length a plan may price
    ['0180123456', '0180'],
    ['0990123456', '0990'],
    ['0201234567', '020'], // 020 + 7: not the M2M length
    ['06012345678', '060'], // before 2026-07-01
    ['0012345', '00'], // carrier codes
    ['0033010123456', '00'],
    ['110', '1'],
    ['118', '1'],
    ['119', '1'],
    ['184', '1'],
    ['1840312345678', '1'], // 184 + a number is still a short code here
    ['1', '1'],
  ])('%p is not callable (prefix %p), whatever its length', (digits, prefix) => {
    expect(plan.classify(digits, APRIL_2011)).toEqual({ kind: 'not-callable', prefix });
  });

  test.each([
    ['0501234', '050 with 7 digits'],
    ['050123456789', '050 with 12 digits'],
    ['07012345', '070 with 8 digits'],
    ['0701234567', '070 with 10 digits (no fall back to 07 fixed)'],
    ['0901234567', '090 with 10 digits (no fall back to 09 fixed)'],
    ['01201234567', '0120 with 7 digits'],
    ['012012345', '0120 with 5 digits'],
    ['0800123456', '0800 with 6 digits'],
    ['031234567', 'fixed with 9 digits'],
    ['03123456789', 'fixed with 11 digits'],
    ['01012345', '010 + 5 digits'],
    ['0101234567890123456', '010 + 16 digits'],
    ['0', '0 alone'],
    ['5012345678', 'no leading 0'],
    ['', 'nothing'],
  ])('%p is invalid (%s)', (digits) => {
    expect(plan.classify(digits, APRIL_2011)).toMatchObject({ kind: 'invalid' });
  });

  test('says why a number is invalid', () => {
    expect(plan.classify('01201234567', APRIL_2011)).toEqual({
      kind: 'invalid',
      message: '01201234567 has 11 digits; numbers starting 0120 have 10',
    });
    expect(plan.classify('01012345', APRIL_2011)).toEqual({
      kind: 'invalid',
      message: '01012345 has 8 digits; numbers starting 010 have 9 to 18',
    });
    expect(plan.classify('5012345678', APRIL_2011)).toEqual({
      kind: 'invalid',
      message: '5012345678 matches no number range of the numbering plan',
    });
  });

  describe('070 across the mobile/PHS changes (Japan-time boundaries)', () => {
    test.each([
      // [instant, 070-1…, 0705…, 0706…]
      ['2013-10-31T23:59:59.999+09:00', 'phs', 'phs', 'phs'], // last instant of 070 = PHS
      ['2013-11-01T00:00:00+09:00', 'mobile', 'phs', 'phs'], // 070 opens to mobiles, 0705/0706 stay PHS
      ['2014-09-30T23:59:59.999+09:00', 'mobile', 'phs', 'phs'],
      ['2014-10-01T00:00:00+09:00', 'mobile', 'mobile', 'mobile'], // number portability: all mobile
      ['2020-01-01T00:00:00+09:00', 'mobile', 'mobile', 'mobile'],
    ])('at %s: 07012345678 %s, 07051234567 %s, 07061234567 %s', (instant, first, fifth, sixth) => {
      const atMs = jst(instant);
      expect(plan.classify('07012345678', atMs)).toMatchObject({ kind: 'callable', type: first });
      expect(plan.classify('07051234567', atMs)).toMatchObject({ kind: 'callable', type: fifth });
      expect(plan.classify('07061234567', atMs)).toMatchObject({ kind: 'callable', type: sixth });
    });

    test('the boundary is midnight in Japan, not in UTC', () => {
      // 2013-11-01T00:00Z is 09:00 Japan time on 1 November: already mobile;
      // 2013-10-31T23:59Z is 08:59 Japan time on 1 November: also already mobile.
      expect(plan.classify('07012345678', jst('2013-10-31T23:59:00Z'))).toMatchObject({ type: 'mobile' });
      // 2013-10-31T14:59:59Z is 23:59:59 Japan time on 31 October: still PHS
      expect(plan.classify('07012345678', jst('2013-10-31T14:59:59Z'))).toMatchObject({ type: 'phs' });
    });

    test.each(['2013-10-31T12:00:00+09:00', '2014-06-01T12:00:00+09:00', '2015-01-01T12:00:00+09:00'])(
      'a 070 number of the wrong length is invalid at %s',
      (instant) => {
        expect(plan.classify('0705123456', jst(instant))).toMatchObject({ kind: 'invalid' });
        expect(plan.classify('070123456789', jst(instant))).toMatchObject({ kind: 'invalid' });
      },
    );
  });
});

describe('the numbering plan of 2026 (issue 18)', () => {
  test.each([
    // [instant, class of 060-1234-5678]
    ['2026-06-30T23:59:59.999+09:00', { kind: 'not-callable', prefix: '060' }], // last instant before the rule
    ['2026-07-01T00:00:00+09:00', { kind: 'callable', type: 'mobile' }], // midnight Japan time: mobile
    ['2026-06-30T15:00:00Z', { kind: 'callable', type: 'mobile' }], // = 2026-07-01 00:00 Japan time
    ['2026-06-15T12:00:00+09:00', { kind: 'not-callable', prefix: '060' }], // a call of 2026-06
    ['2026-12-15T12:00:00+09:00', { kind: 'callable', type: 'mobile' }], // a call of 2026-12
  ])('060 + 8 digits at %s', (instant, expected) => {
    expect(plan.classify('06012345678', jst(instant))).toMatchObject(expected);
  });

  test('060 at another length is invalid once it is mobile, not callable before', () => {
    expect(plan.classify('0601234567', jst('2026-12-01T00:00:00+09:00'))).toMatchObject({ kind: 'invalid' });
    expect(plan.classify('0601234567', jst('2026-06-01T00:00:00+09:00'))).toEqual({
      kind: 'not-callable',
      prefix: '060',
    });
  });

  test.each([
    // [digits, prefix, the type a tariff may price it as]
    ['0570123456', '0570', 'general'], // navi dial 0570 + 6
    ['02012345678', '020', 'mobile'], // M2M 020 + 8
  ])('%s is not callable unless a tariff prices %s as %s', (digits, prefix, pricedAs) => {
    expect(plan.classify(digits, APRIL_2011)).toEqual({ kind: 'not-callable', prefix, pricedAs });
  });

  test('every rule of the reference plan names its source', () => {
    expect(plan.file.rules.filter((rule) => rule.source === undefined)).toEqual([]);
  });

  test('refuses pricedAs on a rule that is callable already', () => {
    expect(
      () => new NumberingPlan({ id: 'TEST', rules: [{ prefix: '03', class: 'general', pricedAs: 'general' }] }),
    ).toThrow('numbering plan TEST: prefix 03 is general; only a not-callable rule takes pricedAs');
  });
});

describe('NumberingPlan construction', () => {
  const base = (rules: NumberingPlanFile['rules']): NumberingPlanFile => ({ id: 'TEST', rules });

  test('refuses two rules for one prefix that overlap in time', () => {
    expect(
      () =>
        new NumberingPlan(
          base([
            { prefix: '070', class: 'phs', effectiveTo: '2013-11-02' },
            { prefix: '070', class: 'mobile', effectiveFrom: '2013-11-01' },
          ]),
        ),
    ).toThrow('numbering plan TEST: two rules for prefix 070 overlap in time');
  });

  test('accepts rules for one prefix that meet end to start', () => {
    const meeting = new NumberingPlan(
      base([
        { prefix: '070', class: 'phs', effectiveTo: '2013-11-01' },
        { prefix: '070', class: 'mobile', effectiveFrom: '2013-11-01' },
      ]),
    );
    expect(meeting.classify('070', jst('2013-10-31T23:59:59+09:00'))).toMatchObject({ type: 'phs' });
    expect(meeting.classify('070', jst('2013-11-01T00:00:00+09:00'))).toMatchObject({ type: 'mobile' });
  });

  test('a number outside every rule in effect is invalid', () => {
    const future = new NumberingPlan(base([{ prefix: '03', class: 'general', effectiveFrom: '2020-01-01' }]));
    expect(future.classify('0312345678', jst('2019-12-31T23:59:59+09:00'))).toMatchObject({ kind: 'invalid' });
    expect(future.classify('0312345678', jst('2020-01-01T00:00:00+09:00'))).toMatchObject({
      kind: 'callable',
      type: 'general',
    });
  });
});
