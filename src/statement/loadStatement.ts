import { RunFailedError } from '../errors';
import { ReferenceData } from '../reference/referenceData';
import { Db, readChakuwariTotals, readNumberTypeTotals, readStatementMonths } from '../store/store';
import { Tariff, TariffBook } from '../tariff/tariff';
import { japanMonthRange } from '../time/japanTime';
import { buildStatement } from './buildStatement';
import { numberRevision, readRevision } from './revisions';
import { Statement } from './statement';

export interface StatementRequest {
  contractId: string;
  month: string;
  /** Only this number's table: the statement of one number. */
  number?: string;
  /** An issued revision instead of the statement as the store stands now. */
  revision?: number;
}

/**
 * The statement of a contract and month: an issued revision when asked for, else built from the
 * stored totals and numbered (the latest revision when its figures are unchanged, else the next).
 */
export function loadStatement(db: Db, reference: ReferenceData, request: StatementRequest): Statement {
  const statement =
    request.revision === undefined
      ? numberRevision(db, buildCurrentStatement(db, reference, request.contractId, request.month))
      : readRevision(db, request.contractId, request.month, request.revision).statement;
  return request.number === undefined ? statement : narrowToNumber(statement, request.number);
}

/** The statement from the totals as they stand (revision 1 until numbered against the issued ones). */
export function buildCurrentStatement(db: Db, reference: ReferenceData, contractId: string, month: string): Statement {
  const typeTotals = readNumberTypeTotals(db, contractId, month);
  const chakuwariTotals = readChakuwariTotals(db, contractId, month);
  if (typeTotals.length === 0 && chakuwariTotals.length === 0) {
    const months = readStatementMonths(db, contractId);
    const known = months.length === 0 ? 'it has no calls at all' : `months with calls: ${months.join(', ')}`;
    throw new RunFailedError(`no statement: contract ${contractId} has no calls in ${month} (${known})`);
  }
  return buildStatement({ contractId, month, revision: 1, tariff: tariffForMonth(reference.tariffs, month), typeTotals, chakuwariTotals });
}

/** One number's statement: its table stands for "all numbers" too, so it foots on its own. */
export function narrowToNumber(statement: Statement, number: string): Statement {
  const table = statement.numbers.find((candidate) => candidate.number === number);
  if (table === undefined) {
    throw new RunFailedError(`no statement: number ${number} has no calls in ${statement.contract} ${statement.month}`);
  }
  const { calls, total, chakuwari } = table;
  return { ...statement, allNumbers: { calls, total, chakuwari }, numbers: [table] };
}

/**
 * The version that finishes a month's statement (row rounding, 着割): the one in effect when the
 * month begins in Japan time, or, for the month a plan starts in, the first one of that month.
 */
export function tariffForMonth(tariffs: TariffBook, month: string): Tariff {
  const { fromMs, toMs } = japanMonthRange(month);
  const tariff = tariffs.at(fromMs) ?? tariffs.versions.find((version) => version.fromMs >= fromMs && version.fromMs < toMs);
  if (tariff === undefined) throw new RunFailedError(`no tariff version is in effect in ${month}`);
  return tariff;
}
