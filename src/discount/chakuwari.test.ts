import { join } from 'node:path';
import { DEFAULT_DATA_DIR, loadTariffFile } from '../reference/referenceData';
import { Chakuwari, Tariff } from '../tariff/tariff';
import { chakuwariDiscount } from './chakuwari';

/** The reference rule: 0.5 yen per 60 s of the month's total eligible time, half-up to whole yen. */
const rule: Chakuwari = new Tariff(loadTariffFile(join(DEFAULT_DATA_DIR, 'tariffs', 'reference-2006-12.json')))
  .chakuwari;

const YEN = 10_000;
/** Outbound charges large enough never to cap the discount. */
const NO_CAP = 1_000_000 * YEN;

describe('chakuwariDiscount with the reference rule', () => {
  test('the seed statement: 39:07:43.0 of eligible time earns 1,174 yen', () => {
    // 140,863 s / 60 × 0.5 = 1,173.858… yen → half-up 1,174
    expect(chakuwariDiscount(140_863_000, NO_CAP, rule)).toBe(1_174 * YEN);
  });

  test.each([
    // [eligible ms, discount in yen]: ms / 60,000 × 0.5, half-up to whole yen
    [0, 0], // no eligible time
    [1, 0], // 0.0000083 yen → 0
    [60_000, 1], // 0.5 yen exactly → half-up 1
    [59_999, 0], // 0.49999 yen → 0
    [119_999, 1], // 0.99999 yen → 1
    [120_000, 1], // 1.0 yen
    [179_999, 1], // 1.49999 yen → 1
    [180_000, 2], // 60,000 ms × 3: 1.5 yen exactly → half-up 2 (not half-even)
    [300_000, 3], // 2.5 yen exactly → half-up 3 (half-even would give 2)
    [86_400_000, 720], // one full day: 1,440 min × 0.5
  ])('%p ms of eligible time: %p yen', (eligibleMs, yen) => {
    expect(chakuwariDiscount(eligibleMs, NO_CAP, rule)).toBe(yen * YEN);
  });

  test('applies to the total time, not call by call', () => {
    // three calls of 20 s: each alone is 0.1666 yen → 0, but 60 s in all is 0.5 yen → 1
    expect(chakuwariDiscount(20_000 + 20_000 + 20_000, NO_CAP, rule)).toBe(1 * YEN);
  });

  test.each([
    // [eligible ms, outbound charges in scaled yen, discount in scaled yen]
    [140_863_000, 1_000 * YEN, 1_000 * YEN], // 1,174 capped at the outbound 1,000
    [140_863_000, 1_174 * YEN, 1_174 * YEN], // exactly at the cap
    [140_863_000, 1_173 * YEN, 1_173 * YEN], // one yen under it
    [140_863_000, 0, 0], // no outbound calls: no discount
    [0, 1_000 * YEN, 0], // no eligible time: nothing to cap
    [140_863_000, 5_000, 5_000], // a cap of 0.5 yen (a row not yet rounded) is taken as is
    [140_863_000, -10 * YEN, 0], // a negative outbound amount never makes the discount negative
  ])('%p ms against outbound %p: %p', (eligibleMs, outboundScaled, discountScaled) => {
    expect(chakuwariDiscount(eligibleMs, outboundScaled, rule)).toBe(discountScaled);
  });

  test('another rounding rule of the tariff is honoured', () => {
    const halfEven: Chakuwari = { ...rule, rounding: { mode: 'half-even', decimals: 0 } };
    // 300,000 ms: 2.5 yen exactly → half-even 2
    expect(chakuwariDiscount(300_000, NO_CAP, halfEven)).toBe(2 * YEN);
    const down: Chakuwari = { ...rule, rounding: { mode: 'down', decimals: 0 } };
    // 140,863 s → 1,173.858 yen → down 1,173
    expect(chakuwariDiscount(140_863_000, NO_CAP, down)).toBe(1_173 * YEN);
  });
});
