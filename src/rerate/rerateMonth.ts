import { japanMonth } from '../time/japanTime';
import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { ConfigurationError, RunFailedError, TotalsBoundError } from '../errors';
import { RejectCode } from '../input/rejection';
import { rateRecord } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';
import { diffStatements, RowChange } from '../statement/diffStatements';
import { emptyStatement, findCurrentStatement } from '../statement/loadStatement';
import { issueRevision, latestRevision } from '../statement/revisions';
import { Statement } from '../statement/statement';
import { RatedCall } from '../rate/rateRecord';
import { monthTotalsDiff } from '../store/rows';
import { totalsPastBound } from '../store/totalsBound';
import {
  contractsOfDiff,
  MonthScope,
  Rerating,
  Store,
  StoreReader,
  StoreWriter,
  StoredCall,
  StoredRating,
} from '../store/types';

export interface RerateRequest {
  month: string;
  contractId?: string;
  reason: string;
  /** Required for a closed month: its statement changes, late calls included. */
  force: boolean;
  /** Work the re-rate out and report it, then roll it back: nothing is written. */
  dryRun?: boolean;
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

/** Carries a dry run's report out of its transaction, which it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: RerateResult) {
    super('dry run: rolled back');
  }
}

/** What re-rating a batch of stored calls gives, before anything is written: the pure part of a re-rate. */
export interface RerateBatch {
  /** Only the calls whose stored rating (or late, or unrated mark) changes. */
  reratings: Rerating[];
  /** The calls that count in the totals now. */
  billed: RatedCall[];
  unrated: Partial<Record<RejectCode, number>>;
  /** The contracts of the calls that are unrated now (a billed call's contract is in `billed`). */
  unratedContracts: string[];
  lateBilled: number;
}

/** Re-classifies and re-rates stored calls with the reference data as it is now. */
export function planRerate(calls: StoredCall[], reference: ReferenceData): RerateBatch {
  const plan: RerateBatch = { reratings: [], billed: [], unrated: {}, unratedContracts: [], lateBilled: 0 };
  for (const call of calls) {
    const { late, rating, storeRow } = call;
    if (late) plan.lateBilled += 1;
    // The stored call is its own record (rateRecord reads only the record's fields): no copy per call.
    const rated = rateRecord(
      call,
      reference.tariffs,
      reference.numbering,
      reference.subscriptions,
      reference.contractNumbers,
    );
    if ('ok' in rated) {
      plan.unrated[rated.code] = (plan.unrated[rated.code] ?? 0) + 1;
      plan.unratedContracts.push(call.contractId);
      // Its earlier rating stays for the trace; the code marks it as left out of the totals.
      if (late || rating.unratedCode !== rated.code)
        plan.reratings.push({
          recordId: call.recordId,
          storeRow,
          unratedCode: rated.code,
          contractId: call.contractId,
          month: japanMonth(call.startMs),
        });
      continue;
    }
    if (late || !sameRating(rating, rated)) plan.reratings.push({ recordId: call.recordId, storeRow, rated });
    plan.billed.push(rated);
  }
  return plan;
}

function sameRating(stored: StoredRating, rated: RatedCall): boolean {
  return (
    stored.unratedCode === null &&
    stored.peerClass === rated.peerClass &&
    stored.planId === rated.planId &&
    stored.tariffId === rated.tariffId &&
    stored.numberingPlanId === rated.numberingPlanId &&
    stored.rateId === rated.rateId &&
    stored.ratePrefix === rated.ratePrefix &&
    stored.units === rated.units &&
    stored.chargeScaled === rated.chargeScaled &&
    stored.chargeRemainderParts === rated.chargeRemainderParts &&
    stored.chakuwariEligible === rated.chakuwariEligible
  );
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
      const monthTotals = new MonthlyTotals();
      const contractSet = new Set<string>();
      for await (const calls of writer.monthCallBatches(scope)) {
        const plan = planRerate(calls, reference);
        await writer.applyReratings(plan.reratings);
        // A contract with a call: an unrated one, one billed in no row of the totals (no duration,
        // inbound without 着割) or, added after the loop, one of the totals' rows. No set look-up per call.
        for (const contract of plan.unratedContracts) contractSet.add(contract);
        for (const call of plan.billed) if (!monthTotals.add(call)) contractSet.add(call.contractId);
        result.calls += calls.length;
        result.lateBilled += plan.lateBilled;
        for (const [code, count] of Object.entries(plan.unrated) as [RejectCode, number][])
          result.unrated[code] = (result.unrated[code] ?? 0) + count;
      }
      for (const contract of monthTotals.contracts()) contractSet.add(contract);
      if (contractSet.size === 0) {
        throw new RunFailedError(
          `no calls to re-rate in ${request.month}${request.contractId === undefined ? '' : ` for ${request.contractId}`}`,
        );
      }
      const contracts = [...contractSet].sort();
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
