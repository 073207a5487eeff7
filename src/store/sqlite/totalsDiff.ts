import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { MonthScope, TotalsDiff } from '../types';
import { Db } from './connection';

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
export function typeTotalValues(total: NumberTypeTotal): unknown[] {
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
export function chakuwariTotalValues(total: ChakuwariTotal): unknown[] {
  return [total.contractId, total.month, total.number, total.calls, total.durationTenths, total.durationMs];
}
