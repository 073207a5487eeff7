import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR, PROJECT_ROOT } from '../reference/referenceData';
import { migrateRateV1, migrateTariffFileV1, TariffFileV1 } from './migrateTariffFile';

describe('migrateTariffFileV1', () => {
  test('the shipped reference plan is the format-1 reference file migrated, and nothing else', () => {
    const formatOne = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'fixtures', 'tariff-format-1-reference-2006-12.json'), 'utf8'),
    ) as TariffFileV1;
    const shipped: unknown = JSON.parse(
      readFileSync(join(DEFAULT_DATA_DIR, 'tariffs', 'reference-2006-12.json'), 'utf8'),
    );
    expect(migrateTariffFileV1(formatOne)).toEqual(shipped);
  });

  test('a unit becomes one step charged per its own unit; the per-call fee becomes the connect fee', () => {
    // phs: 10 yen per call + 10 yen per 60 s
    expect(migrateRateV1({ id: 'PHS', type: 'phs', perCallFee: '10', unitSeconds: 60, unitPrice: '10' })).toEqual({
      id: 'PHS',
      type: 'phs',
      connectFee: '10',
      steps: [{ fromSeconds: 0, price: '10', rateUnitSeconds: 60, incrementSeconds: 60 }],
    });
  });

  test('an initial block becomes a first step charged as one block, the unit the step after it', () => {
    // 10 yen for the first 30 s, then 0.35 yen per second
    expect(
      migrateRateV1({
        id: 'B',
        type: 'mobile',
        initialSeconds: 30,
        initialPrice: '10',
        unitSeconds: 1,
        unitPrice: '0.35',
      }).steps,
    ).toEqual([
      { fromSeconds: 0, price: '10', rateUnitSeconds: 30, incrementSeconds: 30 },
      { fromSeconds: 30, price: '0.35', rateUnitSeconds: 1, incrementSeconds: 1 },
    ]);
  });

  test('refuses an initial block without its price', () => {
    expect(() =>
      migrateRateV1({ id: 'B', type: 'mobile', initialSeconds: 30, unitSeconds: 1, unitPrice: '0.35' }),
    ).toThrow('rate B needs both initialSeconds and initialPrice, or neither');
  });
});
