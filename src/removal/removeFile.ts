import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { ConfigurationError, RunFailedError } from '../errors';
import { ReferenceData } from '../reference/referenceData';
import { ContractRerate, reviseContract, StandingStatement, standingStatement } from '../rerate/rerateMonth';
import { monthTotalsDiff } from '../store/rows';
import { FileCall, FileRemovalCounts, FileSelector, MonthScope, Store, StoreWriter } from '../store/types';
import { planRemoval } from './planRemoval';

export interface RemoveFileRequest {
  selector: FileSelector;
  reason: string;
  removedBy: string;
  /** Required when the file has calls of a closed month: new revisions are issued where figures change. */
  force: boolean;
  /** Work the removal out and report it, then roll it back: nothing is written. */
  dryRun: boolean;
  removedAt: string;
}

export interface RemoveFileResult {
  name: string;
  sha256: string;
  ingestedAt: string;
  removedAt: string;
  removedBy: string;
  reason: string;
  dryRun: boolean;
  /** The rows that left the store (calls: those not promoted). */
  removed: FileRemovalCounts;
  /** Duplicates of other files that became the stored call, in the original order. */
  promoted: { recordId: string; fileName: string; line: number }[];
  /** Record_ids whose duplicates were left as they are: the file held them twice, or another file stores them too (which call each repeated cannot be told). */
  undecided: string[];
  /** The months of the file's calls, and which of them are closed. */
  months: string[];
  closedMonths: string[];
  /** The contract-months whose totals changed. */
  contractMonths: { contractId: string; month: string }[];
  /** Contracts of closed months (with --force): their revision before → after, as a re-rate reports them. */
  revisions: (ContractRerate & { month: string })[];
}

/** Carries a dry run's report out of its transaction, which it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: RemoveFileResult) {
    super('dry run: rolled back');
  }
}

function describe(selector: FileSelector): string {
  return 'name' in selector ? `named "${selector.name}"` : `with sha256 ${selector.sha256}`;
}

/**
 * Takes one ingested file's effect back, in one transaction: its calls, rejects, duplicates and
 * skips leave the store, a duplicate of one of its calls in another file becomes the stored call
 * (planRemoval), the totals of the contract-months it touched are rebuilt from their billed calls
 * (so reconcile agrees), and a file_removals row says who, when and why. A file with calls of a
 * closed month is refused unless `force`, which issues new revisions where figures change.
 */
export async function removeFile(
  store: Store,
  reference: ReferenceData,
  request: RemoveFileRequest,
): Promise<RemoveFileResult> {
  try {
    return await store.transaction((writer) => removeInTransaction(writer, reference, request));
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}

async function removeInTransaction(
  writer: StoreWriter,
  reference: ReferenceData,
  request: RemoveFileRequest,
): Promise<RemoveFileResult> {
  const files = await writer.filesMatching(request.selector);
  if (files.length === 0)
    throw new ConfigurationError(`no ingested file ${describe(request.selector)} (meisai files lists them)`);
  if (files.length > 1) {
    throw new ConfigurationError(
      `${files.length} ingested files are ${describe(request.selector)} (sha256 ${files.map((file) => file.sha256).join(', ')}): name one with --sha256`,
    );
  }
  const file = files[0]!;
  if (file.removedAt !== null)
    throw new ConfigurationError(`${file.name} (sha256 ${file.sha256}) was already removed at ${file.removedAt}`);

  const calls = await callsUnderLock(writer, file.fileId);
  const duplicates = await writer.duplicatesOf([...new Set(calls.map((call) => call.recordId))], file.fileId);
  const plan = planRemoval(
    calls,
    duplicates,
    await writer.recordIdsElsewhere([...new Set(duplicates.map((duplicate) => duplicate.recordId))], file.fileId),
  );
  const closed = await writer.closedMonths();
  const closedMonths = plan.months.filter((month) => closed.has(month));
  if (closedMonths.length > 0 && !request.force) {
    throw new ConfigurationError(
      `${file.name} has calls of closed (invoiced) month${closedMonths.length === 1 ? '' : 's'} ${closedMonths.join(', ')}: ` +
        'removing it changes issued statements; add --force to do so (new revisions are issued)',
    );
  }

  const revised = plan.contractMonths.filter(({ month }) => closed.has(month));
  const before = new Map<string, StandingStatement | undefined>();
  for (const { contractId, month } of revised)
    before.set(`${contractId} ${month}`, await standingStatement(writer, reference, contractId, month));

  const removed = await writer.removeFile({
    fileId: file.fileId,
    removedAt: request.removedAt,
    removedBy: request.removedBy,
    reason: request.reason,
    months: plan.months,
    promotions: plan.promotions,
  });
  for (const { contractId, month } of plan.contractMonths) await rebuildTotals(writer, { month, contractId });

  const revisions: RemoveFileResult['revisions'] = [];
  for (const { contractId, month } of revised) {
    const reason = `file ${file.name} removed: ${request.reason}`;
    revisions.push({
      month,
      ...(await reviseContract(writer, reference, contractId, month, before.get(`${contractId} ${month}`), reason, {
        emptyWhenGone: true,
      })),
    });
  }
  const result: RemoveFileResult = {
    name: file.name,
    sha256: file.sha256,
    ingestedAt: file.ingestedAt,
    removedAt: request.removedAt,
    removedBy: request.removedBy,
    reason: request.reason,
    dryRun: request.dryRun,
    removed,
    promoted: plan.promotions.map(({ call, duplicate }) => ({
      recordId: call.recordId,
      fileName: duplicate.fileName,
      line: duplicate.line,
    })),
    undecided: plan.undecided,
    months: plan.months,
    closedMonths,
    contractMonths: plan.contractMonths,
    revisions,
  };
  if (request.dryRun) throw new DryRunRollback(result);
  return result;
}

/**
 * The file's calls, read with ingest kept out of their months: on PostgreSQL they are read again
 * once the months are locked (a recycle may have added a call of another month meanwhile, whose
 * month is locked in turn); on SQLite the store's lock file already keeps every other writer out.
 */
async function callsUnderLock(writer: StoreWriter, fileId: number): Promise<FileCall[]> {
  const locked = new Set<string>();
  let calls = await writer.fileCalls(fileId);
  for (;;) {
    const fresh = [...new Set(calls.map((call) => call.month))].filter((month) => !locked.has(month));
    if (fresh.length === 0) return calls;
    for (const month of fresh) locked.add(month);
    if (!(await writer.lockMonths(fresh))) return calls;
    calls = await writer.fileCalls(fileId);
  }
}

/** A contract-month's totals made again from its billed calls, as reconcile makes them: only the rows that differ are written. */
async function rebuildTotals(writer: StoreWriter, scope: MonthScope): Promise<void> {
  const totals = new MonthlyTotals();
  for await (const batch of writer.monthCalls(scope)) {
    if (batch.unreadable.length > 0)
      throw new RunFailedError(
        `${scope.contractId} ${scope.month}: ${batch.unreadable[0]} (nothing was removed; run meisai reconcile)`,
      );
    for (const call of batch.values) totals.add(call);
  }
  const stored = await writer.storedTotals(scope);
  if (stored.unreadable.length > 0)
    throw new RunFailedError(
      `${scope.contractId} ${scope.month}: ${stored.unreadable[0]} (nothing was removed; run meisai reconcile)`,
    );
  await writer.applyTotalsDiff(scope, monthTotalsDiff(stored.values, totals));
}
