import { RunFailedError } from '../errors';
import { buildCurrentStatement } from '../statement/loadStatement';
import { isMonthClosed, issueRevision } from '../statement/revisions';
import { ReferenceData } from '../reference/referenceData';
import { Db, readMonthContracts } from '../store/store';

export interface CloseResult {
  month: string;
  alreadyClosed: boolean;
  statements: { contractId: string; revision: number; issued: boolean }[];
}

/**
 * Marks a month as invoiced: each contract's statement is issued as it stands (no new revision
 * when the latest one has these figures). Calls of the month that arrive later are stored as late.
 * A month without calls is refused (exit 1) unless `allowEmpty`.
 */
export function closeMonth(db: Db, reference: ReferenceData, month: string, options: { allowEmpty?: boolean } = {}): CloseResult {
  return db.transaction((): CloseResult => {
    if (isMonthClosed(db, month)) return { month, alreadyClosed: true, statements: [] };
    const contracts = readMonthContracts(db, month);
    // Closing a month without calls is most likely a typo of the month: every call of it would arrive "late".
    if (contracts.length === 0 && options.allowEmpty !== true) {
      throw new RunFailedError(`${month} has no calls: nothing to close (add --allow-empty to close it anyway)`);
    }
    const statements = contracts.map((contractId) => {
      const { revision, issued } = issueRevision(db, buildCurrentStatement(db, reference, contractId, month), 'month closed');
      return { contractId, revision, issued };
    });
    db.prepare('INSERT INTO closed_months (month, closed_at) VALUES (?, ?)').run(month, new Date().toISOString());
    return { month, alreadyClosed: false, statements };
  })();
}
