import { RunFailedError } from '../errors';
import { buildCurrentStatement, monthTotalsByContract, statementOfTotals } from '../statement/loadStatement';
import { issueRevision } from '../statement/revisions';
import { ReferenceData } from '../reference/referenceData';
import { MonthTotals, Store, StoreReader } from '../store/types';

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
export async function closeMonth(
  store: Store,
  reference: ReferenceData,
  month: string,
  options: { allowEmpty?: boolean } = {},
): Promise<CloseResult> {
  return store.transaction(
    async (writer): Promise<CloseResult> => {
      if (await writer.isMonthClosed(month)) return { month, alreadyClosed: true, statements: [] };
      const contracts = await writer.monthContracts(month);
      // Closing a month without calls is most likely a typo of the month: every call of it would arrive "late".
      if (contracts.length === 0 && options.allowEmpty !== true) {
        throw new RunFailedError(`${month} has no calls: nothing to close (add --allow-empty to close it anyway)`);
      }
      // The month's totals are read once and each contract's statement built from its own (let go
      // once built). With a row that cannot be read, each contract's totals are read on their own,
      // so a damaged row stops the close as that read always did.
      const byContract = await storedByContract(writer, month);
      const statements: CloseResult['statements'] = [];
      for (const contractId of contracts) {
        const totals = byContract?.get(contractId);
        byContract?.delete(contractId);
        const statement =
          totals === undefined
            ? await buildCurrentStatement(writer, reference, contractId, month)
            : await statementOfTotals(writer, reference, { contractId, month, totals });
        const { revision, issued } = await issueRevision(writer, statement, 'month closed');
        statements.push({ contractId, revision, issued });
      }
      await writer.markMonthClosed(month, new Date().toISOString());
      return { month, alreadyClosed: false, statements };
    },
    { lockKey: `month:${month}` },
  );
}

/** The month's stored totals by contract; undefined when a row of them cannot be read. */
async function storedByContract(reader: StoreReader, month: string): Promise<Map<string, MonthTotals> | undefined> {
  const stored = await reader.storedTotals({ month, contractId: null });
  return stored.unreadable.length === 0 ? monthTotalsByContract(stored.values) : undefined;
}
