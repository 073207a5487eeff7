import { RunFailedError } from '../cli/errors';
import { ReferenceData } from '../reference/referenceData';
import { Db, readChakuwariTotals, readNumberTypeTotals, readStatementMonths } from '../store/store';
import { Tariff, TariffBook } from '../tariff/tariff';
import { japanMonthRange } from '../time/japanTime';
import { buildStatement } from './buildStatement';
import { Statement } from './statement';

export interface StatementRequest {
  contractId: string;
  month: string;
  /** Only this number's calls: the statement of one number. */
  number?: string;
}

/** Reads a month's stored totals and builds its statement. */
export function loadStatement(db: Db, reference: ReferenceData, request: StatementRequest): Statement {
  const onlyNumber = (total: { number: string }): boolean => request.number === undefined || total.number === request.number;
  const typeTotals = readNumberTypeTotals(db, request.contractId, request.month).filter(onlyNumber);
  const chakuwariTotals = readChakuwariTotals(db, request.contractId, request.month).filter(onlyNumber);
  if (typeTotals.length === 0 && chakuwariTotals.length === 0) {
    const months = readStatementMonths(db, request.contractId);
    const known = months.length === 0 ? 'it has no calls at all' : `months with calls: ${months.join(', ')}`;
    const scope = request.number === undefined ? '' : ` for number ${request.number}`;
    throw new RunFailedError(`no statement: contract ${request.contractId} has no calls${scope} in ${request.month} (${known})`);
  }
  return buildStatement({
    contractId: request.contractId,
    month: request.month,
    revision: 1,
    tariff: tariffForMonth(reference.tariffs, request.month),
    typeTotals,
    chakuwariTotals,
  });
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
