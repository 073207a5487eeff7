import { AllowanceCall, AllowanceUse, applyAllowances, CarriedIn, carriedInto } from '../discount/allowance';
import { RunFailedError } from '../errors';
import { ReferenceData } from '../reference/referenceData';
import { MonthTotals, StoreReader } from '../store/types';
import { Tariff } from '../tariff/tariff';
import { japanMonth, japanMonthRange } from '../time/japanTime';
import { buildStatement } from './buildStatement';
import { carriedInOfStatement, carryingAllowances } from './carriedIn';
import { latestRevision, numberRevision, readRevision } from './revisions';
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
export async function loadStatement(
  store: StoreReader,
  reference: ReferenceData,
  request: StatementRequest,
): Promise<Statement> {
  const statement =
    request.revision === undefined
      ? await numberRevision(store, await buildCurrentStatement(store, reference, request.contractId, request.month))
      : (await readRevision(store, request.contractId, request.month, request.revision)).statement;
  return request.number === undefined ? statement : narrowToNumber(statement, request.number);
}

/** The issued revision a shown statement is, and why it was issued. */
export interface StatementIssue {
  revision: number;
  reason: string;
}

/** A statement as shown: its figures and, when they are an issued revision, that revision and its reason (null: not issued). */
export interface ShownStatement {
  statement: Statement;
  issue: StatementIssue | null;
}

/** `loadStatement`, and whether what it gives is an issued revision (with its reason) or figures never issued. */
export async function loadShownStatement(
  store: StoreReader,
  reference: ReferenceData,
  request: StatementRequest,
): Promise<ShownStatement> {
  const statement = await loadStatement(store, reference, request);
  const row = await store.revision(request.contractId, request.month, statement.revision);
  return { statement, issue: row === undefined ? null : { revision: row.revision, reason: row.reason } };
}

/** The statement from the totals as they stand (revision 1 until numbered against the issued ones). */
export async function buildCurrentStatement(
  store: StoreReader,
  reference: ReferenceData,
  contractId: string,
  month: string,
): Promise<Statement> {
  const current = await findCurrentStatement(store, reference, contractId, month);
  if (current === undefined) {
    const months = await store.statementMonths(contractId);
    const known = months.length === 0 ? 'it has no calls at all' : `months with calls: ${months.join(', ')}`;
    throw new RunFailedError(`no statement: contract ${contractId} has no calls in ${month} (${known})`);
  }
  return current;
}

/** How a statement is built: `recomputeCarry` (rerate) carries allowances in afresh even into a closed month. */
export interface CarryOptions {
  recomputeCarry?: boolean;
}

/** The statement from the totals as they stand, or undefined when the contract has none in the month ("not found" is a value). */
export async function findCurrentStatement(
  store: StoreReader,
  reference: ReferenceData,
  contractId: string,
  month: string,
  options: CarryOptions = {},
): Promise<Statement | undefined> {
  const totals = await store.contractTotals(contractId, month);
  if (totals.typeTotals.length === 0 && totals.chakuwariTotals.length === 0) return undefined;
  return statementOfTotals(store, reference, { contractId, month, totals }, options);
}

/** A contract-month and its stored totals, read already (reconcile reads a month's at once). */
export interface ContractMonthTotals {
  contractId: string;
  month: string;
  totals: MonthTotals;
}

/**
 * A month's stored totals (all contracts, read at once) grouped by contract: `close` and
 * `reconcile` build each contract's statement from them instead of reading each contract's again
 * (two queries a contract: 1.2 s for a 1M-call month's 19,920 contracts).
 */
export function monthTotalsByContract(stored: MonthTotals): Map<string, MonthTotals> {
  const byContract = new Map<string, MonthTotals>();
  const of = (contractId: string): MonthTotals => {
    let totals = byContract.get(contractId);
    if (totals === undefined) byContract.set(contractId, (totals = { typeTotals: [], chakuwariTotals: [] }));
    return totals;
  };
  for (const total of stored.typeTotals) of(total.contractId).typeTotals.push(total);
  for (const total of stored.chakuwariTotals) of(total.contractId).chakuwariTotals.push(total);
  return byContract;
}

/** The statement of a contract-month from its stored totals: its tariff, its allowances' use, the tables. */
export async function statementOfTotals(
  store: StoreReader,
  reference: ReferenceData,
  { contractId, month, totals }: ContractMonthTotals,
  options: CarryOptions = {},
): Promise<Statement> {
  const { typeTotals, chakuwariTotals } = totals;
  const tariff = tariffForMonth(reference, contractId, month);
  const allowanceUse =
    tariff.allowances.length === 0
      ? undefined
      : await monthAllowanceUse(store, reference, { contractId, month, tariff }, options);
  return buildStatement({
    contractId,
    month,
    revision: 1,
    tariff,
    typeTotals,
    chakuwariTotals,
    ...(allowanceUse === undefined ? {} : { allowanceUse }),
  });
}

/**
 * The 無料通話分 of a contract-month, from its billed outbound calls as stored now (late and
 * unrated calls are out of the totals, so out of the allowance too): recomputed over the whole
 * month in call order each time, so a late or out-of-order call, or a re-rate, changes it exactly
 * as if the calls had come in order. An allowance that carries over starts with what
 * `monthCarriedIn` gives it.
 */
export async function monthAllowanceUse(
  store: StoreReader,
  reference: Pick<ReferenceData, 'tariffs' | 'subscriptions'>,
  of: ContractMonthTariff,
  options: CarryOptions = {},
): Promise<AllowanceUse> {
  const carriedIn = await monthCarriedIn(store, reference, of, options);
  return applyAllowances(
    await monthBilledOutboundCalls(store, of.contractId, of.month),
    of.tariff.allowances,
    carriedIn,
  );
}

/** A contract-month and the tariff version that finishes it. */
export interface ContractMonthTariff {
  contractId: string;
  month: string;
  tariff: Tariff;
}

/**
 * What a contract-month's allowances are carried in with (`carriedInto`): what was left of M-1's
 * own amounts, M-1's allowance use worked out as its statement applies it (its own carry-in
 * included, so its carried part is used first), from M-1's billed calls as stored now. Nothing
 * when M-1 has no statement (no calls of the contract). A closed month keeps what its latest
 * issued revision says it was carried in with (a late call of M-1 billed by `rerate --force` of
 * M-1 changes M only at `rerate --force` of M, which passes `recomputeCarry`).
 */
export async function monthCarriedIn(
  store: StoreReader,
  reference: Pick<ReferenceData, 'tariffs' | 'subscriptions'>,
  { contractId, month, tariff }: ContractMonthTariff,
  options: CarryOptions = {},
): Promise<CarriedIn> {
  const none: CarriedIn = new Map();
  const carrying = carryingAllowances(tariff.allowances);
  if (carrying.length === 0) return none;
  if (options.recomputeCarry !== true && (await store.isMonthClosed(month))) {
    const issued = await latestRevision(store, contractId, month);
    if (issued !== undefined) return carriedInOfStatement(issued.statement, tariff.allowances);
  }
  const previousMonth = japanMonth(japanMonthRange(month).fromMs - 1);
  const previous = previousTariff(reference, contractId, previousMonth);
  if (previous === undefined || previous.plan !== tariff.plan) return none;
  if (!carrying.some((allowance) => previous.allowances.some((candidate) => candidate.id === allowance.id)))
    return none;
  const { typeTotals, chakuwariTotals } = await store.contractTotals(contractId, previousMonth);
  if (typeTotals.length === 0 && chakuwariTotals.length === 0) return none;
  // M-1's own carry-in goes back month by month until a closed month, a month without calls, or another plan.
  const use = await monthAllowanceUse(store, reference, { contractId, month: previousMonth, tariff: previous });
  return carriedInto(
    { plan: previous.plan, allowances: previous.allowances, use },
    { plan: tariff.plan, allowances: tariff.allowances },
  );
}

/** The version that finishes the month before, or undefined when the contract has no plan then. */
function previousTariff(
  reference: Pick<ReferenceData, 'tariffs' | 'subscriptions'>,
  contractId: string,
  month: string,
): Tariff | undefined {
  try {
    return tariffForMonth(reference, contractId, month);
  } catch (error) {
    if (error instanceof RunFailedError) return undefined;
    throw error;
  }
}

/** The contract-month's outbound calls in the totals (neither late nor unrated), as an allowance reads them. */
export async function monthBilledOutboundCalls(
  store: StoreReader,
  contractId: string,
  month: string,
): Promise<AllowanceCall[]> {
  const calls = await store.callDetails({ contractId, month, direction: 'out' });
  return calls.filter((call) => call.late === 0 && call.unratedCode === null);
}

/** A contract-month's statement without a call: what an issued statement becomes when every call of it is removed. */
export function emptyStatement(reference: ReferenceData, contractId: string, month: string): Statement {
  return buildStatement({
    contractId,
    month,
    revision: 1,
    tariff: tariffForMonth(reference, contractId, month),
    typeTotals: [],
    chakuwariTotals: [],
  });
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
 * The version that finishes a contract's month (row rounding, 無料通話分, 着割): of the contract's plan when
 * the month begins (its subscription then, else the default plan), the version in effect when the
 * month begins in Japan time, or, for the month the plan starts in, its first one of that month.
 */
export function tariffForMonth(
  reference: Pick<ReferenceData, 'tariffs' | 'subscriptions'>,
  contractId: string,
  month: string,
): Tariff {
  const { fromMs, toMs } = japanMonthRange(month);
  const { tariffs } = reference;
  const plan =
    reference.subscriptions.planAt(contractId, null, fromMs) ??
    tariffs.defaultPlan ??
    reference.subscriptions.planAt(contractId, null, toMs - 1) ??
    null;
  if (plan === null)
    throw new RunFailedError(`contract ${contractId} has no plan in ${month}: no subscription and no default plan`);
  const versions = tariffs.plans.get(plan);
  const tariff =
    versions?.at(fromMs) ?? versions?.versions.find((version) => version.fromMs >= fromMs && version.fromMs < toMs);
  if (tariff === undefined) throw new RunFailedError(`no version of plan ${plan} is in effect in ${month}`);
  return tariff;
}

/**
 * What the 無料通話分 covered of each billed call of the contract-month, by record_id, as its
 * statement applies it (the whole month in call order); undefined when the month's plan has no allowances.
 */
export async function readAllowanceCoverage(
  store: StoreReader,
  reference: Pick<ReferenceData, 'tariffs' | 'subscriptions'>,
  contractId: string,
  month: string,
): Promise<Map<string, number> | undefined> {
  // Data without any allowance never asks for the month's plan: the call details need none.
  if (!reference.tariffs.versions.some((version) => version.allowances.length > 0)) return undefined;
  const tariff = tariffForMonth(reference, contractId, month);
  if (tariff.allowances.length === 0) return undefined;
  const use = await monthAllowanceUse(store, reference, { contractId, month, tariff });
  return new Map(use.covered.map((covered) => [covered.recordId, covered.coveredScaled]));
}
