import { ConfigurationError, RunFailedError, TotalsBoundError } from '../errors';
import { RejectCode } from '../input/rejection';
import { ReferenceData } from '../reference/referenceData';
import { planRerate, RerateTally } from './planRerate';
import { RerateElsewhere } from './rerateElsewhere';
import { diffStatements, RowChange } from '../statement/diffStatements';
import { emptyStatement, findCurrentStatement } from '../statement/loadStatement';
import { issueRevision, latestRevision } from '../statement/revisions';
import { Statement } from '../statement/statement';
import { monthTotalsDiff } from '../store/rows';
import { totalsPastBound } from '../store/totalsBound';
import { contractsOfDiff, MonthScope, Store, StoreReader, StoreWriter } from '../store/types';

export interface RerateRequest {
  month: string;
  contractId?: string;
  reason: string;
  /** Required for a closed month: its statement changes, late calls included. */
  force: boolean;
  /** Work the re-rate out and report it, then roll it back: nothing is written. */
  dryRun?: boolean;
  /** Calls a whole month needs before a second thread re-rates half of them (default SHARE_FROM_CALLS). */
  shareFrom?: number;
}

export interface ContractRerate {
  contractId: string;
  /** The issued revision the figures stood at (null: none was issued). */
  fromRevision: number | null;
  /** The issued revision that stands now (null: none was issued, the figures did not change). */
  toRevision: number | null;
  /** A new revision was issued (figures changed). */
  issued: boolean;
  changes: RowChange[];
}

export interface RerateResult {
  month: string;
  calls: number;
  /** Calls the current tariff and numbering plan can no longer rate, by reason; left out of the totals. */
  unrated: Partial<Record<RejectCode, number>>;
  lateBilled: number;
  contracts: ContractRerate[];
  /** A dry run: the report of the re-rate, nothing of it written. */
  dryRun: boolean;
}

/**
 * A month of fewer calls is re-rated on one thread: the worker's start (its modules, the reference
 * data compiled again) costs about as much as half the calls of a 250,000-call month save (A/B
 * against one thread: 109k calls 12% slower, 307k 5% faster, 990k 20% faster).
 */
export const SHARE_FROM_CALLS = 400_000;

/** Carries a dry run's report out of its transaction, which it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: RerateResult) {
    super('dry run: rolled back');
  }
}

/**
 * Re-rates a month's stored calls with the tariff and numbering files as they are now (each call
 * by the versions in effect at its start), rebuilds the month's totals from them, and issues a new
 * statement revision per contract whose figures changed. One transaction: all or nothing.
 */
export async function rerateMonth(
  store: Store,
  reference: ReferenceData,
  request: RerateRequest,
): Promise<RerateResult> {
  try {
    return await rerateInTransaction(store, reference, request);
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}

/** The re-rate in one transaction; a dry run throws its report out, so the transaction rolls back. */
async function rerateInTransaction(
  store: Store,
  reference: ReferenceData,
  request: RerateRequest,
): Promise<RerateResult> {
  const scope: MonthScope = { month: request.month, contractId: request.contractId ?? null };
  return store.transaction(
    async (writer) => {
      if ((await writer.isMonthClosed(request.month)) && !request.force) {
        throw new ConfigurationError(
          `${request.month} is closed (invoiced): re-rating changes its statement; add --force to do so`,
        );
      }
      const result: RerateResult = {
        month: request.month,
        calls: 0,
        unrated: {},
        lateBilled: 0,
        contracts: [],
        dryRun: request.dryRun === true,
      };
      // A big month is re-rated on two threads: a worker reads and re-rates the later half of its
      // calls on a connection of its own while this thread does the earlier half and writes both.
      const tally = new RerateTally();
      const shares = writer.monthCallShares(scope, request.shareFrom ?? SHARE_FROM_CALLS);
      const elsewhere = shares === null ? null : new RerateElsewhere(shares.elsewhere, reference);
      try {
        for await (const calls of writer.monthCallBatches(scope, shares?.here)) {
          const plan = planRerate(calls, reference);
          await writer.applyReratings(plan.reratings);
          tally.add(calls.length, plan);
          await elsewhere?.writeWaiting(writer);
        }
        if (elsewhere !== null) tally.addExported(await elsewhere.finish(writer));
      } finally {
        await elsewhere?.stop();
      }
      Object.assign(result, { calls: tally.calls, lateBilled: tally.lateBilled, unrated: tally.unrated });
      const monthTotals = tally.totals;
      const contracts = tally.allContracts();
      if (contracts.length === 0) {
        throw new RunFailedError(
          `no calls to re-rate in ${request.month}${request.contractId === undefined ? '' : ` for ${request.contractId}`}`,
        );
      }
      // Only a contract whose totals change, or that has an issued revision to compare with, can need a new revision.
      const diff = monthTotalsDiff((await writer.storedTotals(scope)).values, monthTotals);
      const changed = contractsOfDiff(diff);
      const examined = new Set([...changed, ...(await writer.revisedContracts(scope))]);
      const before = new Map<string, StandingStatement | undefined>();
      for (const contractId of examined)
        before.set(contractId, await standingStatement(writer, reference, contractId, request.month));
      const pastBound = totalsPastBound(diff.typeTotals, diff.chakuwariTotals);
      if (pastBound !== null)
        throw new TotalsBoundError(`re-rate of ${request.month} refused, nothing applied: ${pastBound}`);
      await writer.applyTotalsDiff(scope, diff);

      for (const contractId of contracts) {
        if (!examined.has(contractId)) {
          result.contracts.push({ contractId, fromRevision: null, toRevision: null, issued: false, changes: [] });
          continue;
        }
        result.contracts.push(
          await reviseContract(writer, reference, contractId, request.month, before.get(contractId), request.reason, {
            recomputeCarry: true,
          }),
        );
      }
      if (request.dryRun === true) throw new DryRunRollback(result);
      return result;
    },
    { lockKey: `month:${request.month}` },
  );
}

export interface StandingStatement {
  statement: Statement;
  revision: number;
  issued: boolean;
}

/**
 * Issues a new revision of a contract-month whose figures changed since `old` (its standing
 * statement before the change): what a re-rate does per contract, and `files remove --force`.
 */
export async function reviseContract(
  writer: StoreWriter,
  reference: ReferenceData,
  contractId: string,
  month: string,
  old: StandingStatement | undefined,
  reason: string,
  options: { emptyWhenGone?: boolean; recomputeCarry?: boolean } = {},
): Promise<ContractRerate> {
  // `emptyWhenGone` (files remove): an issued statement whose every call is gone is revised to an empty one, not left standing.
  // `recomputeCarry` (rerate): allowances carried in afresh from the month before, even into a closed month.
  const found = await findCurrentStatement(writer, reference, contractId, month, {
    recomputeCarry: options.recomputeCarry === true,
  });
  const now =
    found === undefined && options.emptyWhenGone === true && old?.issued === true
      ? emptyStatement(reference, contractId, month)
      : found;
  const changes = diffStatements(old?.statement, now);
  let fromRevision = old?.issued === true ? old.revision : null;
  let toRevision = fromRevision;
  let issued = false;
  if (now !== undefined && changes.length > 0) {
    // The figures before the change were never issued: keep them as revision 1, so the change has a "before".
    if (old !== undefined && !old.issued)
      fromRevision = (await issueRevision(writer, old.statement, 'as it stood before the first re-rate')).revision;
    ({ revision: toRevision, issued } = await issueRevision(writer, now, reason));
  }
  return { contractId, fromRevision, toRevision, issued, changes };
}

/** What the contract's statement stands at before re-rating: its latest issued revision, else its figures now. */
export async function standingStatement(
  store: StoreReader,
  reference: ReferenceData,
  contractId: string,
  month: string,
): Promise<StandingStatement | undefined> {
  const latest = await latestRevision(store, contractId, month);
  if (latest !== undefined) return { statement: latest.statement, revision: latest.revision, issued: true };
  const current = await findCurrentStatement(store, reference, contractId, month);
  return current === undefined ? undefined : { statement: current, revision: 1, issued: false };
}
