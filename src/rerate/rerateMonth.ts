import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { ConfigurationError, RunFailedError } from '../errors';
import { CallRecord } from '../input/callRecord';
import { RejectCode } from '../input/rejection';
import { rateRecord } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';
import { diffStatements, RowChange } from '../statement/diffStatements';
import { buildCurrentStatement } from '../statement/loadStatement';
import { isMonthClosed, issueRevision, latestRevision } from '../statement/revisions';
import { Statement } from '../statement/statement';
import { readableCalls } from '../store/rowChecks';
import { addTotals, Db, storePath } from '../store/store';

export interface RerateRequest {
  month: string;
  contractId?: string;
  reason: string;
  /** Required for a closed month: its statement changes, late calls included. */
  force: boolean;
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
}

interface StoredCallRow {
  recordId: string;
  contractId: string;
  number: string;
  direction: 'out' | 'in';
  peer: string;
  peerIsNumber: number;
  startMs: number;
  durationMs: number;
  late: number;
}

/**
 * Re-rates a month's stored calls with the tariff and numbering files as they are now (each call
 * by the versions in effect at its start), rebuilds the month's totals from them, and issues a new
 * statement revision per contract whose figures changed. One transaction: all or nothing.
 */
export function rerateMonth(db: Db, reference: ReferenceData, request: RerateRequest): RerateResult {
  const closed = isMonthClosed(db, request.month);
  if (closed && !request.force) {
    throw new ConfigurationError(`${request.month} is closed (invoiced): re-rating changes its statement; add --force to do so`);
  }
  const contractFilter = request.contractId === undefined ? '' : ' AND contract_id = ?';
  const filterArgs = request.contractId === undefined ? [request.month] : [request.month, request.contractId];
  const result: RerateResult = { month: request.month, calls: 0, unrated: {}, lateBilled: 0, contracts: [] };

  db.transaction(() => {
    const contracts = (
      db.prepare(`SELECT DISTINCT contract_id AS contractId FROM calls WHERE month = ?${contractFilter} ORDER BY contract_id`).all(...filterArgs) as {
        contractId: string;
      }[]
    ).map((row) => row.contractId);
    if (contracts.length === 0) {
      throw new RunFailedError(`no calls to re-rate in ${request.month}${request.contractId === undefined ? '' : ` for ${request.contractId}`}`);
    }
    const before = new Map<string, { statement: Statement; revision: number; issued: boolean } | undefined>();
    for (const contractId of contracts) {
      before.set(contractId, standingStatement(db, reference, contractId, request.month));
    }

    const update = db.prepare(`
      UPDATE calls SET peer_class = ?, tariff_id = ?, numbering_plan_id = ?, rate_id = ?, rate_prefix = ?, units = ?,
                       charge_scaled = ?, chakuwari_eligible = ?, unrated_code = ?, late = 0
       WHERE record_id = ?`);
    const markUnrated = db.prepare('UPDATE calls SET unrated_code = ?, late = 0 WHERE record_id = ?');
    const totals = new MonthlyTotals();
    const rows = db
      .prepare(
        `SELECT record_id AS recordId, contract_id AS contractId, number, direction, peer, peer_is_number AS peerIsNumber,
                start_ms AS startMs, duration_ms AS durationMs, late
           FROM calls WHERE month = ?${contractFilter}`,
      )
      .all(...filterArgs) as StoredCallRow[];
    for (const row of readableCalls(storePath(db), rows)) {
      result.calls += 1;
      if (row.late === 1) result.lateBilled += 1;
      const record: CallRecord = { ...row, peerIsNumber: row.peerIsNumber === 1 };
      const rated = rateRecord(record, reference.tariffs, reference.numbering);
      if ('ok' in rated) {
        result.unrated[rated.code] = (result.unrated[rated.code] ?? 0) + 1;
        // Its earlier rating stays for the trace; the code marks it as left out of the totals.
        markUnrated.run(rated.code, row.recordId);
        continue;
      }
      update.run(
        rated.peerClass, rated.tariffId, rated.numberingPlanId, rated.rateId, rated.ratePrefix, rated.units, rated.chargeScaled,
        rated.chakuwariEligible ? 1 : 0, null, row.recordId,
      );
      totals.add(rated);
    }
    db.prepare(`DELETE FROM number_type_totals WHERE month = ?${contractFilter}`).run(...filterArgs);
    db.prepare(`DELETE FROM chakuwari_totals WHERE month = ?${contractFilter}`).run(...filterArgs);
    addTotals(db, totals.numberTypeTotals(), totals.numberChakuwariTotals());

    for (const contractId of contracts) {
      const old = before.get(contractId);
      const now = currentStatement(db, reference, contractId, request.month);
      const changes = diffStatements(old?.statement, now);
      let fromRevision = old?.issued === true ? old.revision : null;
      let toRevision = fromRevision;
      let issued = false;
      if (now !== undefined && changes.length > 0) {
        // The figures before the re-rate were never issued: keep them as revision 1, so the change has a "before".
        if (old !== undefined && !old.issued) fromRevision = issueRevision(db, old.statement, 'as it stood before the first re-rate').revision;
        ({ revision: toRevision, issued } = issueRevision(db, now, request.reason));
      }
      result.contracts.push({ contractId, fromRevision, toRevision, issued, changes });
    }
  })();
  return result;
}

/** What the contract's statement stands at before re-rating: its latest issued revision, else its figures now. */
function standingStatement(
  db: Db,
  reference: ReferenceData,
  contractId: string,
  month: string,
): { statement: Statement; revision: number; issued: boolean } | undefined {
  const latest = latestRevision(db, contractId, month);
  if (latest !== undefined) return { statement: latest.statement, revision: latest.revision, issued: true };
  const current = currentStatement(db, reference, contractId, month);
  return current === undefined ? undefined : { statement: current, revision: 1, issued: false };
}

function currentStatement(db: Db, reference: ReferenceData, contractId: string, month: string): Statement | undefined {
  try {
    return buildCurrentStatement(db, reference, contractId, month);
  } catch (error) {
    if (error instanceof RunFailedError) return undefined;
    throw error;
  }
}
