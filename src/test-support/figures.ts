import { RowFigures, StatementFigures, TableFigures } from '../reconcile/statementFigures';
import { formatTenths } from '../time/duration';

/** A statement row from count, tenths and whole yen (the amount as scaled yen: yen × 10,000). */
export function row(count: number, durationTenths: number, yen: number): RowFigures {
  return { count, durationTenths, durationText: formatTenths(durationTenths), amountScaled: BigInt(yen) * 10_000n };
}

/** A table that foots: general 2 calls, 600 tenths, 16 yen + mobile 1 call, 300 tenths, 16 yen = 3, 900, 32; 着割 -1. */
export function footingTable(): TableFigures {
  return {
    general: row(2, 600, 16),
    international: row(0, 0, 0),
    mobile: row(1, 300, 16),
    ip: row(0, 0, 0),
    phs: row(0, 0, 0),
    total: row(3, 900, 32),
    chakuwari: row(4, 1200, -1),
  };
}

export function statementFigures(
  allNumbers: TableFigures | undefined,
  numbers: [string, TableFigures][] = [],
): StatementFigures {
  return { contract: 'N000000001', month: '2011-04', allNumbers, numbers: new Map(numbers) };
}
