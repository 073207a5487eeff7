import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { YEN_SCALE } from '../money/scaledYen';
import { CallType } from '../numbering/callType';
import { DEFAULT_DATA_DIR } from '../reference/referenceData';
import { buildStatement } from '../statement/buildStatement';
import { Statement } from '../statement/statement';
import { Tariff } from '../tariff/tariff';

/** Hand-made totals for the renderer and schema tests: the seed month over two numbers. */
export const CONTRACT = 'N000000001';
export const MONTH = '2011-04';
export const FIRST_NUMBER = '05012345678';
export const SECOND_NUMBER = '05087654321';
export const referenceTariff = new Tariff(
  JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'tariffs', 'reference-2006-12.json'), 'utf8')),
);

export function typeTotal(
  number: string,
  type: CallType,
  calls: number,
  durationTenths: number,
  chargeYen: number,
): NumberTypeTotal {
  return {
    contractId: CONTRACT,
    month: MONTH,
    number,
    type,
    calls,
    durationTenths,
    chargeScaled: chargeYen * YEN_SCALE,
    chargeRemainderParts: 0,
  };
}

export function chakuwariTotal(number: string, calls: number, durationTenths: number): ChakuwariTotal {
  return { contractId: CONTRACT, month: MONTH, number, calls, durationTenths, durationMs: durationTenths * 100 };
}

/**
 * The seed's April 2011 figures split over two numbers; each all-number row adds them back:
 *   general        600 + 496 = 1096 calls,  500000 + 537935 = 1037935 tenths,  6000 + 4240 = 10240 yen
 *   international  300 + 300 =  600,        990300 + 990300 = 1980600,        48435 + 48435 = 96870
 *   mobile         330 +   0 =  330,        168450          =  168450,         7680
 *   ip             240 + 240 =  480,        188175 + 188175 =  376350,            0
 *   phs              0 + 510 =  510,                 393300 =  393300,        15300
 *   着割 1500 + 1516 = 3016 calls; 70000 s / 60 × 0.5 = 583.33 → 583, 70863 s → 590.525 → 591;
 *   583 + 591 = 1174 (the seed's 140863 s → 1173.86 → 1174)
 */
export function seedSplitStatement(revision = 1): Statement {
  return buildStatement({
    contractId: CONTRACT,
    month: MONTH,
    revision,
    tariff: referenceTariff,
    typeTotals: [
      typeTotal(FIRST_NUMBER, 'general', 600, 500000, 6000),
      typeTotal(SECOND_NUMBER, 'general', 496, 537935, 4240),
      typeTotal(FIRST_NUMBER, 'international', 300, 990300, 48435),
      typeTotal(SECOND_NUMBER, 'international', 300, 990300, 48435),
      typeTotal(FIRST_NUMBER, 'mobile', 330, 168450, 7680),
      typeTotal(FIRST_NUMBER, 'ip', 240, 188175, 0),
      typeTotal(SECOND_NUMBER, 'ip', 240, 188175, 0),
      typeTotal(SECOND_NUMBER, 'phs', 510, 393300, 15300),
    ],
    chakuwariTotals: [chakuwariTotal(FIRST_NUMBER, 1500, 700000), chakuwariTotal(SECOND_NUMBER, 1516, 708630)],
  });
}
