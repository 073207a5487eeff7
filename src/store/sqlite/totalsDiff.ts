import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { MonthScope, TotalsDiff } from '../types';
import Database from 'better-sqlite3';
import { Db } from './connection';
import { pastBound, totalsPastBound } from '../totalsBound';
import { TotalsBoundError } from '../../errors';

/** A re-rate's totals diff on SQLite, inside the caller's transaction: only the rows that differ are written or deleted. */
export function writeTotalsDiff(db: Db, scope: MonthScope, diff: TotalsDiff): void {
  // Only what differs is written: a re-rate that changes a few calls rewrites a few rows.
  const setType = db.prepare(`
    INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, month, number, call_type) DO UPDATE SET
      calls = excluded.calls, duration_tenths = excluded.duration_tenths, charge_scaled = excluded.charge_scaled,
      charge_remainder_parts = excluded.charge_remainder_parts`);
  const setChakuwari = db.prepare(`
    INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, month, number) DO UPDATE SET
      calls = excluded.calls, duration_tenths = excluded.duration_tenths, duration_ms = excluded.duration_ms`);
  const deleteType = db.prepare(
    'DELETE FROM number_type_totals WHERE contract_id = ? AND month = ? AND number = ? AND call_type = ?',
  );
  const deleteChakuwari = db.prepare('DELETE FROM chakuwari_totals WHERE contract_id = ? AND month = ? AND number = ?');
  for (const total of diff.typeTotals) {
    setType.run(typeTotalValues(total));
  }
  for (const total of diff.chakuwariTotals) {
    setChakuwari.run(chakuwariTotalValues(total));
  }
  for (const row of diff.goneTypeTotals) deleteType.run(row.contractId, scope.month, row.number, row.type);
  for (const row of diff.goneChakuwariTotals) deleteChakuwari.run(row.contractId, scope.month, row.number);
}

/** A number_type_totals row's values in the order its upserts bind them. */
function typeTotalValues(total: NumberTypeTotal): unknown[] {
  return [
    total.contractId,
    total.month,
    total.number,
    total.type,
    total.calls,
    total.durationTenths,
    total.chargeScaled,
    total.chargeRemainderParts,
  ];
}

/** A chakuwari_totals row's values in the order its upserts bind them. */
function chakuwariTotalValues(total: ChakuwariTotal): unknown[] {
  return [total.contractId, total.month, total.number, total.calls, total.durationTenths, total.durationMs];
}

/**
 * Adds a file's sums to the stored monthly totals inside the caller's transaction (a row not there
 * yet starts from zero). Into months that hold no totals yet (`sumsNeedNoReadBack`) the upserts only
 * write; otherwise each row's new sums come back from its upsert (RETURNING: 1.25-1.33 s of CPU
 * instead of 0.73-0.80 s for a 1M-CDR month's 280,379 rows) and one past the bound throws
 * TotalsBoundError, so the file is rolled back whole.
 */
export function addStoredTotals(
  sql: (text: string) => Database.Statement,
  typeTotals: NumberTypeTotal[],
  chakuwariTotals: ChakuwariTotal[],
): void {
  const addTypeTotal = `
    INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, month, number, call_type) DO UPDATE SET
      calls = calls + excluded.calls,
      duration_tenths = duration_tenths + excluded.duration_tenths,
      charge_scaled = charge_scaled + excluded.charge_scaled,
      charge_remainder_parts = charge_remainder_parts + excluded.charge_remainder_parts`;
  const addChakuwariTotal = `
    INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, month, number) DO UPDATE SET
      calls = calls + excluded.calls,
      duration_tenths = duration_tenths + excluded.duration_tenths,
      duration_ms = duration_ms + excluded.duration_ms`;
  if (sumsNeedNoReadBack(sql, typeTotals, chakuwariTotals)) {
    const addType = sql(addTypeTotal);
    const addChakuwari = sql(addChakuwariTotal);
    for (const total of typeTotals) addType.run(typeTotalValues(total));
    for (const total of chakuwariTotals) addChakuwari.run(chakuwariTotalValues(total));
    return;
  }
  const addTypeReturning = sql(
    `${addTypeTotal} RETURNING calls, duration_tenths, charge_scaled, charge_remainder_parts`,
  ).raw();
  const addChakuwariReturning = sql(`${addChakuwariTotal} RETURNING calls, duration_tenths, duration_ms`).raw();
  for (const total of typeTotals) {
    const sums = addTypeReturning.get(typeTotalValues(total)) as number[];
    if (pastBound(sums[0]!) || pastBound(sums[1]!) || pastBound(sums[2]!) || pastBound(sums[3]!)) {
      const [calls, durationTenths, chargeScaled, chargeRemainderParts] = sums as [number, number, number, number];
      throw new TotalsBoundError(
        totalsPastBound([{ ...total, calls, durationTenths, chargeScaled, chargeRemainderParts }], [])!,
      );
    }
  }
  for (const total of chakuwariTotals) {
    const sums = addChakuwariReturning.get(chakuwariTotalValues(total)) as number[];
    if (pastBound(sums[0]!) || pastBound(sums[1]!) || pastBound(sums[2]!)) {
      const [calls, durationTenths, durationMs] = sums as [number, number, number];
      throw new TotalsBoundError(totalsPastBound([], [{ ...total, calls, durationTenths, durationMs }])!);
    }
  }
}

/**
 * Whether these rows are every sum their rows will hold: no month they touch holds totals yet (the
 * first file of a month), and none of the rows is past the bound on its own. A month that holds
 * totals takes each row's new sums back instead (telling whether it does is one index probe; the
 * largest stored sums would be a read of the whole month, 0.2-0.5 s for a 1M-CDR month).
 */
function sumsNeedNoReadBack(
  sql: (text: string) => Database.Statement,
  typeTotals: NumberTypeTotal[],
  chakuwariTotals: ChakuwariTotal[],
): boolean {
  const months = new Set<string>();
  for (const total of typeTotals) months.add(total.month);
  for (const total of chakuwariTotals) months.add(total.month);
  const holdsTotals = sql(
    `SELECT EXISTS (SELECT 1 FROM number_type_totals WHERE month = @month)
         OR EXISTS (SELECT 1 FROM chakuwari_totals WHERE month = @month)`,
  ).pluck();
  for (const month of months) if (holdsTotals.get({ month }) !== 0) return false;
  return totalsPastBound(typeTotals, chakuwariTotals) === null;
}
