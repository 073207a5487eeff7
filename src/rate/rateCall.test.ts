import { join } from 'node:path';
import { RoundingRule } from '../money/scaledYen';
import { DEFAULT_DATA_DIR, loadTariffFile } from '../reference/referenceData';
import { expandPrefixRange, Tariff, TariffBook } from '../tariff/tariff';
import { migrateRateV1, RateFileV1 } from '../tariff/migrateTariffFile';
import { TariffFile } from '../tariff/tariffFile';
import { CallType } from '../numbering/callType';
import { rateCall } from './rateCall';

const REFERENCE_FILE: TariffFile = loadTariffFile(join(DEFAULT_DATA_DIR, 'tariffs', 'reference-2006-12.json'));
const reference = new Tariff(REFERENCE_FILE);

/** Scaled yen: 1 yen = 10,000. */
const YEN = 10_000;

/** Rates one call of the reference tariff: the rate it chose, its units and its charge in yen. */
function rateReference(
  type: CallType,
  digits: string,
  durationMs: number,
): { rateId: string; units: number; chargeYen: number } {
  const rate = reference.rateFor(type, digits);
  const charge = rateCall(durationMs, rate, reference.callRounding);
  return { rateId: rate.id, units: charge.units, chargeYen: charge.chargeScaled / YEN };
}

describe('rateCall with the reference tariff (spec §4)', () => {
  test.each([
    // general: 8 yen per 180 s; units = ceil(ms / 180,000)
    ['0312345678', 0, 0, 0], // a zero-duration call costs nothing
    ['0312345678', 1, 1, 8], // ceil(1 / 180,000) = 1 → 8
    ['0312345678', 180_000, 1, 8], // exactly one unit
    ['0312345678', 180_001, 2, 16], // one ms past it: 2 × 8
    ['0312345678', 360_000, 2, 16],
    ['0312345678', 360_001, 3, 24],
    ['0312345678', 86_400_000, 480, 3_840], // 86,400 / 180 = 480 units × 8
  ])('general %s for %p ms: %p units, %p yen', (digits, durationMs, units, chargeYen) => {
    expect(rateReference('general', digits, durationMs)).toEqual({ rateId: 'GENERAL', units, chargeYen });
  });

  test.each([
    // mobile: 16 yen per 60 s
    [0, 0, 0],
    [1, 1, 16],
    [60_000, 1, 16],
    [60_001, 2, 32], // 2 × 16
    [93_500, 2, 32], // ceil(93.5 / 60) = 2
    [120_001, 3, 48],
  ])('mobile for %p ms: %p units, %p yen', (durationMs, units, chargeYen) => {
    expect(rateReference('mobile', '09012345678', durationMs)).toEqual({ rateId: 'MOBILE', units, chargeYen });
  });

  test.each([
    // phs: 10 yen per call + 10 yen per 60 s
    [0, 0, 0], // not even the per-call fee
    [1, 1, 20], // 10 + 1 × 10
    [60_000, 1, 20], // 10 + 1 × 10
    [60_001, 2, 30], // 10 + 2 × 10
    [120_000, 2, 30],
    [120_001, 3, 40], // 10 + 3 × 10
  ])('phs for %p ms: %p units, %p yen', (durationMs, units, chargeYen) => {
    expect(rateReference('phs', '07012345678', durationMs)).toEqual({ rateId: 'PHS', units, chargeYen });
  });

  test.each([
    // international, per 60 s by the longest country-code prefix
    ['01012125550100', 'INTERNATIONAL_US_CANADA', 60_000, 1, 9], // +1: 9 / min
    ['01012125550100', 'INTERNATIONAL_US_CANADA', 60_001, 2, 18], // 2 × 9
    ['01014165550100', 'INTERNATIONAL_US_CANADA', 1, 1, 9], // Canada is +1 too
    ['010861012345678', 'INTERNATIONAL_CHINA', 60_000, 1, 30],
    ['010861012345678', 'INTERNATIONAL_CHINA', 180_001, 4, 120], // ceil(180.001 / 60) = 4 × 30
    ['010822123456789', 'INTERNATIONAL_KOREA', 60_001, 2, 60], // 2 × 30
    ['010442079460000', 'INTERNATIONAL_UK', 60_000, 1, 20],
    ['010442079460000', 'INTERNATIONAL_UK', 60_001, 2, 40], // 2 × 20
    ['0103312345678', 'INTERNATIONAL_OTHER', 60_000, 1, 60], // France: any other, 60 / min
    ['0103312345678', 'INTERNATIONAL_OTHER', 60_001, 2, 120],
    ['01081312345678', 'INTERNATIONAL_OTHER', 60_000, 1, 60], // +81 dialled as international: not a country of the table
    ['010123456', 'INTERNATIONAL_US_CANADA', 0, 0, 0],
  ])('international %s: %s, %p ms → %p units, %p yen', (digits, rateId, durationMs, units, chargeYen) => {
    expect(rateReference('international', digits, durationMs)).toEqual({ rateId, units, chargeYen });
  });

  test.each([
    // partner blocks 3300–3450 (inclusive), 5000–5003, 3900, 3901, 7000: free
    '05033001234', // first of 3300–3450
    '05034501234', // last of 3300–3450
    '05033751234',
    '05050001234',
    '05050031234', // last of 5000–5003
    '05039001234',
    '05039011234',
    '05070001234',
  ])('ip on-net %s costs 0 whatever the duration', (digits) => {
    expect(rateReference('ip', digits, 180_001)).toEqual({ rateId: 'IP_ON_NET', units: 2, chargeYen: 0 });
    expect(rateReference('ip', digits, 86_400_000)).toEqual({ rateId: 'IP_ON_NET', units: 480, chargeYen: 0 });
  });

  test.each([
    '05034511234', // one past 3450
    '05032991234', // one before 3300
    '05050041234', // one past 5003
    '05049991234', // one before 5000
    '05039021234', // next to 3901
    '05070011234', // next to 7000
    '05012345678',
  ])('ip off-net %s is 8 yen per 180 s', (digits) => {
    expect(rateReference('ip', digits, 180_000)).toEqual({ rateId: 'IP_OFF_NET', units: 1, chargeYen: 8 });
    expect(rateReference('ip', digits, 180_001)).toEqual({ rateId: 'IP_OFF_NET', units: 2, chargeYen: 16 });
  });

  test.each(['0120123456', '08001234567'])('free dial %s is general at 0 yen', (digits) => {
    expect(rateReference('general', digits, 180_001)).toEqual({ rateId: 'GENERAL_FREE_DIAL', units: 2, chargeYen: 0 });
    expect(reference.rateFor('general', digits).prefix).toBe(digits.slice(0, 4));
  });

  test('the chosen rate carries the prefix that chose it, or null for the default', () => {
    expect(reference.rateFor('international', '010861012345678').prefix).toBe('01086');
    expect(reference.rateFor('ip', '05033751234').prefix).toBe('0503375'); // one prefix of the expanded range
    expect(reference.rateFor('international', '0103312345678').prefix).toBeNull();
    expect(reference.rateFor('general', '0312345678').prefix).toBeNull();
  });
});

/** A complete tariff file: every type at 8 yen per 180 s unless `rates` (written in format 1, migrated) replaces some. */
function tariffFile(changes: Partial<TariffFile> = {}, rates: RateFileV1[] = []): TariffFile {
  const replaced = new Set(rates.filter((rate) => rate.prefixes === undefined).map((rate) => rate.type));
  const defaults: RateFileV1[] = (['general', 'international', 'mobile', 'ip', 'phs'] as const)
    .filter((type) => !replaced.has(type))
    .map((type) => ({ id: `${type.toUpperCase()}_DEFAULT`, type, unitSeconds: 180, unitPrice: '8' }));
  return {
    format: 2,
    id: 'TEST-1',
    plan: 'TEST',
    currency: 'JPY',
    taxIncluded: false,
    effectiveFrom: '2006-12-01',
    rounding: { call: { mode: 'down', decimals: 0 }, statementRow: { mode: 'down', decimals: 0 } },
    rates: [...defaults, ...rates].map(migrateRateV1),
    chakuwari: REFERENCE_FILE.chakuwari,
    ...changes,
  };
}

describe('rateCall: an initial block, then an increment, with a per-call fee', () => {
  // 3 yen per call + 10 yen for the first 30 s + 0.35 yen per started second after it,
  // each call rounded half-up to whole yen.
  const halfUpWhole: RoundingRule = { mode: 'half-up', decimals: 0 };
  const tariff = new Tariff(
    tariffFile({ rounding: { call: halfUpWhole, statementRow: { mode: 'down', decimals: 0 } } }, [
      {
        id: 'MOBILE_BLOCK',
        type: 'mobile',
        perCallFee: '3',
        initialSeconds: 30,
        initialPrice: '10',
        unitSeconds: 1,
        unitPrice: '0.35',
      },
    ]),
  );
  const rate = tariff.rateFor('mobile', '09012345678');

  test('compiles the rate into scaled yen and milliseconds', () => {
    expect(rate).toEqual({
      id: 'MOBILE_BLOCK',
      type: 'mobile',
      prefix: null,
      band: null,
      connectFee: 30_000, // 3 yen
      minimumCharge: null,
      maximumCharge: null,
      pricing: 'graduated',
      ownBands: null,
      steps: [
        // the block: 10 yen per 30 s, charged per 30 s; parts per increment = 30,000 ms × 100,000 × 3600 / 30,000 ms
        {
          fromMs: 0,
          toMs: 30_000,
          priceScaled: 100_000,
          rateUnitSeconds: 30,
          incrementSeconds: 30,
          rateUnitMs: 30_000,
          incrementMs: 30_000,
          partsPerIncrement: 360_000_000,
          partsPerIncrementNumerator: 360_000_000n,
          partsPerIncrementDenominator: 1n,
          flatFee: 0,
        },
        // then 0.35 yen per started second: 1,000 ms × 3,500 × 3600 / 1,000 ms
        {
          fromMs: 30_000,
          toMs: Number.POSITIVE_INFINITY,
          priceScaled: 3_500,
          rateUnitSeconds: 1,
          incrementSeconds: 1,
          rateUnitMs: 1_000,
          incrementMs: 1_000,
          partsPerIncrement: 12_600_000,
          partsPerIncrementNumerator: 12_600_000n,
          partsPerIncrementDenominator: 1n,
          flatFee: 0,
        },
      ],
    });
  });

  test.each([
    // [ms, units, scaled yen after half-up to whole yen]
    [0, 0, 0], // nothing, not even the fee
    [1, 1, 130_000], // 3 + 10 = 13 yen: the block alone
    [30_000, 1, 130_000], // exactly the block
    [30_001, 2, 130_000], // 3 + 10 + 1 × 0.35 = 13.35 → 13
    [31_000, 2, 130_000], // still one started second: 13.35 → 13
    [31_001, 3, 140_000], // 3 + 10 + 2 × 0.35 = 13.70 → 14
    [34_000, 5, 140_000], // 3 + 10 + 4 × 0.35 = 14.40 → 14
    [35_000, 6, 150_000], // 3 + 10 + 5 × 0.35 = 14.75 → 15
    [60_000, 31, 240_000], // 3 + 10 + 30 × 0.35 = 23.50 → half-up 24
    [90_000, 61, 340_000], // 3 + 10 + 60 × 0.35 = 34.00 exactly
  ])('%p ms: %p units, %p scaled yen', (durationMs, units, chargeScaled) => {
    expect(rateCall(durationMs, rate, tariff.callRounding)).toEqual({ units, chargeScaled, chargeRemainderParts: 0 });
  });
});

describe('rateCall: prices with fractions of a yen and the call rounding rule', () => {
  // 1.25 yen per started 60 s
  const rate = new Tariff(
    tariffFile({}, [{ id: 'GENERAL_FRACTION', type: 'general', unitSeconds: 60, unitPrice: '1.25' }]),
  ).rateFor('general', '0312345678');

  test.each([
    // [ms, rounding, scaled yen]
    [60_000, { mode: 'down', decimals: 4 }, 12_500], // 1 × 1.25 = 1.25, kept exactly
    [60_000, { mode: 'down', decimals: 0 }, 10_000], // 1.25 → 1
    [60_000, { mode: 'up', decimals: 0 }, 20_000], // 1.25 → 2
    [60_000, { mode: 'half-even', decimals: 1 }, 12_000], // 1.25 → 1.2 (2 is even)
    [60_000, { mode: 'half-up', decimals: 1 }, 13_000], // 1.25 → 1.3
    [120_000, { mode: 'half-up', decimals: 0 }, 30_000], // 2 × 1.25 = 2.5 → 3
    [120_000, { mode: 'half-even', decimals: 0 }, 20_000], // 2.5 → 2
    [180_001, { mode: 'down', decimals: 2 }, 50_000], // 4 × 1.25 = 5.00
    [300_000, { mode: 'down', decimals: 0 }, 60_000], // 5 × 1.25 = 6.25 → 6
  ] as const)('%p ms with %p: %p scaled yen', (durationMs, rounding, chargeScaled) => {
    expect(rateCall(durationMs, rate, rounding).chargeScaled).toBe(chargeScaled);
  });
});

describe('Tariff', () => {
  test('compiles the reference file: id, dates, rounding, 着割', () => {
    expect(reference.id).toBe('REF-2006-12');
    expect(reference.plan).toBe('REFERENCE');
    expect(reference.fromMs).toBe(Date.parse('2006-12-01T00:00:00+09:00'));
    expect(reference.toMs).toBe(Number.POSITIVE_INFINITY);
    expect(reference.callRounding).toEqual({ mode: 'down', decimals: 0 });
    expect(reference.statementRounding).toEqual({ mode: 'down', decimals: 0 });
    expect(reference.chakuwari).toEqual({
      eligibleCallerTypes: new Set(['general', 'mobile', 'phs']),
      unitMs: 60_000,
      discountPerUnit: 5_000, // 0.5 yen
      rounding: { mode: 'half-up', decimals: 0 },
    });
  });

  test('the longest matching prefix wins', () => {
    const tariff = new Tariff(
      tariffFile({}, [
        { id: 'NANP', type: 'international', prefixes: ['0101'], unitSeconds: 60, unitPrice: '9' },
        { id: 'NANP_CARIBBEAN', type: 'international', prefixes: ['0101876'], unitSeconds: 60, unitPrice: '40' },
      ]),
    );
    expect(tariff.rateFor('international', '01018765551234').id).toBe('NANP_CARIBBEAN');
    expect(tariff.rateFor('international', '01012125550100').id).toBe('NANP');
    expect(tariff.rateFor('international', '0104412345678').id).toBe('INTERNATIONAL_DEFAULT');
  });

  test('prefix overrides apply only to their own call type', () => {
    // 0503300 is an on-net partner prefix of the ip table; the general table does not see it.
    expect(reference.rateFor('ip', '05033001234').id).toBe('IP_ON_NET');
    expect(reference.rateFor('general', '05033001234').id).toBe('GENERAL');
  });

  test.each([
    [
      'a type without a default rate',
      tariffFile({ rates: tariffFile().rates.filter((rate) => rate.type !== 'phs') }),
      'tariff TEST-1: no default rate for phs calls',
    ],
    [
      'a prefix priced twice',
      tariffFile({}, [
        { id: 'FREE', type: 'general', prefixes: ['0120'], unitSeconds: 180, unitPrice: '0' },
        { id: 'FREE_AGAIN', type: 'general', prefixes: ['0120'], unitSeconds: 180, unitPrice: '0' },
      ]),
      'tariff TEST-1: prefix 0120 of general is priced twice',
    ],
    [
      'a prefix inside a range priced twice',
      tariffFile({}, [
        { id: 'PARTNER', type: 'ip', prefixes: ['0503300-0503450', '0503400'], unitSeconds: 180, unitPrice: '0' },
      ]),
      'tariff TEST-1: prefix 0503400 of ip is priced twice',
    ],
    [
      'a range that runs downward',
      tariffFile({}, [{ id: 'PARTNER', type: 'ip', prefixes: ['0503450-0503300'], unitSeconds: 180, unitPrice: '0' }]),
      'prefix range 0503450-0503300 must run upward between prefixes of the same length',
    ],
    [
      'a range between prefixes of different lengths',
      tariffFile({}, [{ id: 'PARTNER', type: 'ip', prefixes: ['050330-0503450'], unitSeconds: 180, unitPrice: '0' }]),
      'prefix range 050330-0503450 must run upward between prefixes of the same length',
    ],
    [
      'two default rates for one type',
      tariffFile({}, [
        { id: 'GENERAL_AGAIN', type: 'general', unitSeconds: 180, unitPrice: '8' },
        { id: 'GENERAL_THIRD', type: 'general', unitSeconds: 60, unitPrice: '3' },
      ]),
      'tariff TEST-1: two default rates for general',
    ],
    [
      'a rate id used twice',
      tariffFile({}, [
        { id: 'GENERAL_DEFAULT', type: 'general', prefixes: ['0120'], unitSeconds: 180, unitPrice: '0' },
      ]),
      'tariff TEST-1: rate id GENERAL_DEFAULT is used twice',
    ],
    [
      'an end date that is not after the start',
      tariffFile({ effectiveFrom: '2011-04-01', effectiveTo: '2011-04-01' }),
      'tariff TEST-1: effectiveTo is not after effectiveFrom',
    ],
    [
      'an amount with five fraction digits',
      tariffFile({}, [{ id: 'MOBILE_FINE', type: 'mobile', unitSeconds: 1, unitPrice: '0.00001' }]),
      '"0.00001" is not a yen amount with at most 4 fraction digits',
    ],
  ])('refuses %s', (_what, file, message) => {
    expect(() => new Tariff(file)).toThrow(message);
  });
});

describe('expandPrefixRange', () => {
  test('0503300-0503450 is 151 prefixes, both ends included', () => {
    const prefixes = expandPrefixRange('0503300-0503450');
    expect(prefixes).toHaveLength(151); // 3450 − 3300 + 1
    expect(prefixes[0]).toBe('0503300');
    expect(prefixes[150]).toBe('0503450');
    expect(prefixes).toContain('0503375');
  });

  test.each([
    ['0120', ['0120']],
    ['0505000-0505003', ['0505000', '0505001', '0505002', '0505003']],
    ['00-02', ['00', '01', '02']], // leading zeros kept
    ['0503900-0503900', ['0503900']],
    ['0109-0110', ['0109', '0110']], // carries into the next digit
  ])('%p → %p', (range, prefixes) => {
    expect(expandPrefixRange(range)).toEqual(prefixes);
  });

  test.each(['0503450-0503300', '050330-0503450', '0503300-05034500'])('refuses %p', (range) => {
    expect(() => expandPrefixRange(range)).toThrow(RangeError);
  });
});

describe('TariffBook', () => {
  const version = (id: string, effectiveFrom: string, effectiveTo?: string): Tariff =>
    new Tariff(tariffFile({ id, effectiveFrom, ...(effectiveTo === undefined ? {} : { effectiveTo }) }));

  test('the reference version starts at 2006-12-01 00:00 Japan time; nothing rates a call before it', () => {
    const book = new TariffBook([new Tariff(REFERENCE_FILE)]);
    expect(book.at(Date.parse('2006-11-30T23:59:59.999+09:00'))).toBeUndefined();
    expect(book.at(Date.parse('2006-12-01T00:00:00+09:00'))?.id).toBe('REF-2006-12');
    expect(book.at(Date.parse('2011-04-01T09:15:02+09:00'))?.id).toBe('REF-2006-12');
    expect(book.byId('REF-2006-12')?.id).toBe('REF-2006-12');
    expect(book.byId('REF-1999-01')).toBeUndefined();
  });

  test('a version without effectiveTo ends when the next starts', () => {
    const book = new TariffBook([version('V2', '2011-05-01'), version('V1', '2006-12-01')]);
    expect(book.versions.map((tariff) => tariff.id)).toEqual(['V1', 'V2']); // sorted by start
    expect(book.at(Date.parse('2011-04-30T23:59:59.999+09:00'))?.id).toBe('V1');
    expect(book.at(Date.parse('2011-05-01T00:00:00+09:00'))?.id).toBe('V2');
    expect(book.at(Date.parse('2030-01-01T00:00:00+09:00'))?.id).toBe('V2'); // the last runs on
    expect(book.versions[0]!.toMs).toBe(Date.parse('2011-05-01T00:00:00+09:00'));
  });

  test('a gap between versions has no tariff', () => {
    const book = new TariffBook([version('V1', '2006-12-01', '2011-04-01'), version('V2', '2011-05-01')]);
    expect(book.at(Date.parse('2011-03-31T23:59:59.999+09:00'))?.id).toBe('V1');
    expect(book.at(Date.parse('2011-04-01T00:00:00+09:00'))).toBeUndefined();
    expect(book.at(Date.parse('2011-04-30T23:59:59.999+09:00'))).toBeUndefined();
    expect(book.at(Date.parse('2011-05-01T00:00:00+09:00'))?.id).toBe('V2');
  });

  test('versions that meet end to start are accepted', () => {
    const book = new TariffBook([version('V1', '2006-12-01', '2011-05-01'), version('V2', '2011-05-01')]);
    expect(book.at(Date.parse('2011-05-01T00:00:00+09:00'))?.id).toBe('V2');
  });

  test('overlapping versions are refused', () => {
    expect(() => new TariffBook([version('V1', '2006-12-01', '2011-05-02'), version('V2', '2011-05-01')])).toThrow(
      'tariffs V1 and V2 overlap',
    );
  });

  test('two versions starting the same day are refused', () => {
    expect(() => new TariffBook([version('V1', '2011-05-01'), version('V2', '2011-05-01')])).toThrow(
      'tariffs V1 and V2 start on the same day',
    );
  });

  test('an empty book rates nothing', () => {
    expect(new TariffBook([]).at(Date.parse('2011-04-01T00:00:00+09:00'))).toBeUndefined();
  });
});
