import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import iconv from 'iconv-lite';
import { MeisaiError, RunFailedError } from '../errors';
import { describeSchemaErrors, ReferenceData, schemaValidator } from '../reference/referenceData';
import {
  buildCurrentStatement,
  findCurrentStatement,
  monthTotalsByContract,
  statementOfTotals,
} from '../statement/loadStatement';
import { numberRevision, readRevision } from '../statement/revisions';
import { Statement } from '../statement/statement';
import {
  DoubleBilled,
  HeldOutCalls,
  IntegrityReport,
  MonthCallsBatch,
  ReadableRows,
  StoreReader,
  Store,
} from '../store/types';
import { compareStatementFigures } from './compareStatements';
import { compareTotals, MonthTotals, recomputeTotalsFrom } from './compareTotals';
import type { TotalledCall } from '../aggregate/monthlyTotals';
import { handled } from '../store/handled';
import { checkFileControls } from './fileControls';
import { footingProblems } from './footing';
import { readStatementDocument, readStatementText } from './readStatementFile';
import { Check, CheckName, Detail, difference, information, makeCheck, makeReport, ReconcileReport } from './report';
import { checkContractStatements, StatementValidator } from './statementChecks';
import { StatementFigures } from './statementFigures';
import { issuedInvoiceProblems } from '../billing/invoiceChecks';
import { loadChargeTables } from '../billing/billingData';
import { latestRevision } from '../statement/revisions';

/**
 * The shell of `meisai reconcile`: reads the store once (in one read transaction, so a nightly
 * ingest running meanwhile cannot show half a file) and hands plain values to the pure checks.
 */
export interface AgainstStatement {
  /** The file it was read from, as given. */
  source: string;
  figures: StatementFigures;
}

export interface ReconcileRequest {
  month: string;
  /** Only this contract; null: every contract of the month. */
  contractId: string | null;
  against?: AgainstStatement;
  /** Compare `against` with this issued revision instead of the statement as the store stands. */
  revision?: number;
}

/**
 * The engine's integrity check comes first. A damaged store is reported, never thrown: a row with a
 * value meisai never writes is a difference of its check (and left out of its sums), and a check
 * that cannot read the store at all is a difference saying so; the other checks still run.
 */
export async function reconcileMonth(
  store: Store,
  reference: ReferenceData,
  request: ReconcileRequest,
): Promise<ReconcileReport> {
  const scope = { month: request.month, contractId: request.contractId };
  return store.readTransaction(async (reader) => {
    const unreadableTotals: string[] = [];
    /** The month's stored totals by contract, for the statements check (each contract's let go once built). */
    let withTotals: StoredByContract | undefined;
    // The store-wide checks read the whole store (every page, every call): a month-wide
    // reconcile runs them; one contract's reconcile answers in its own time, whatever the store's size.
    // They start first and are awaited last: an engine may answer them beside the month's own
    // reads (SQLite: a connection of its own in a worker thread).
    const wide = request.contractId === null ? await reader.storeWideChecks(request.month) : null;
    // Each is awaited below; until then a failure must not count as unhandled.
    const integrity =
      wide === null
        ? null
        : handled(findingOnStoreFault('integrity', 'store integrity', () => integrityCheck(wide.integrity)));
    const recordIds =
      wide === null
        ? null
        : handled(
            findingOnStoreFault('record-ids', 'record_ids billed once', async () =>
              recordIdsCheck(await wide.doubleBilled),
            ),
          );
    const files =
      wide === null
        ? null
        : handled(
            findingOnStoreFault('files', 'files', async () => {
              const controls = await wide.fileControls;
              return makeCheck('files', 'files', [
                ...controls.unreadable.map(difference),
                ...checkFileControls(controls.values),
              ]);
            }),
          );
    const totals = await findingOnStoreFault('totals', 'totals from calls', async () => {
      const checked = await totalsCheck(reader, request, unreadableTotals);
      withTotals = checked.withTotals;
      return checked.check;
    });
    const statements = await findingOnStoreFault('statements', 'statements', async () =>
      statementsCheck(
        reader,
        reference,
        request,
        withTotals ?? {
          contracts: contractsWithTotals(readInto(await reader.storedTotals(scope), unreadableTotals)),
        },
      ),
    );
    const invoices = await invoicesCheck(reader, request);
    const checks: Check[] = [
      (await integrity) ?? storeWide('integrity', 'store integrity'),
      (await recordIds) ?? storeWide('record-ids', 'record_ids billed once'),
      totals,
      statements,
      ...invoices,
      (await files) ?? storeWide('files', 'files'),
    ];
    if (request.against !== undefined) {
      const against = request.against;
      checks.push(
        await findingOnStoreFault('against', `against ${basename(against.source)}`, () =>
          againstCheck(reader, reference, request, against),
        ),
      );
    }
    return makeReport(request.month, request.contractId, checks);
  });
}

/** A store-wide check left to the month-wide reconcile, saying so. */
function storeWide(name: CheckName, title: string): Check {
  return makeCheck(name, title, [
    information(`store-wide: not run for one contract; \`reconcile --month\` without --contract runs it`),
  ]);
}

/**
 * A check that fails on reading the store (damaged pages, a value no reader expects) fails as a
 * difference. Any other error is a bug, not a finding: it is thrown on, and the run ends with
 * exit 1 and one line (cli/main.ts).
 */
export async function findingOnStoreFault(name: CheckName, title: string, run: () => Promise<Check>): Promise<Check> {
  try {
    return await run();
  } catch (error) {
    if (!isStoreFault(error)) throw error;
    const code = (error as { code?: unknown }).code;
    const message = (error as Error).message ?? String(error);
    const said = `${typeof code === 'string' ? `${code}: ` : ''}${message.length > 300 ? `${message.slice(0, 300)}…` : message}`;
    return makeCheck(name, title, [difference(`the check could not read the store: ${said}`)]);
  }
}

/** What reading a damaged store throws: a MeisaiError (a row no reader expects; PostgreSQL's faults) or an SQLite result code. */
function isStoreFault(error: unknown): boolean {
  if (error instanceof MeisaiError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

async function integrityCheck(report: Promise<IntegrityReport>): Promise<Check> {
  const { check, soundMeans, whenDamaged, problems } = await report;
  if (problems.length === 0)
    return makeCheck('integrity', 'store integrity', [information(`${check}: ok (${soundMeans})`)]);
  return makeCheck('integrity', 'store integrity', [
    ...problems.map((problem) =>
      difference(`${check}: ${problem.length > 300 ? `${problem.slice(0, 300)}…` : problem}`),
    ),
    information(whenDamaged),
  ]);
}

/**
 * The duplicate rule (store/duplicateScope.ts) says a record_id is one call within its month and
 * the months on either side: one stored twice there was billed twice (a store written before the
 * rule held on both engines, or damage). Each is a difference naming every stored copy.
 */
export function recordIdsCheck(found: DoubleBilled[]): Check {
  if (found.length === 0)
    return makeCheck('record-ids', 'record_ids billed once', [
      information('no record_id is stored as two calls within a month and its neighbours'),
    ]);
  return makeCheck(
    'record-ids',
    'record_ids billed once',
    found.map(({ recordId, calls }) =>
      difference(
        `record_id ${recordId} is billed ${calls.length} times: ${calls.map((call) => `${call.contractId} ${call.month} (${call.fileName} line ${call.line})`).join(', ')}`,
      ),
    ),
  );
}

/**
 * The month's calls are summed first and the stored rows read after, so the two are never both
 * in memory as rows: the calls stream through MonthlyTotals, then the stored rows meet its sums.
 */
async function totalsCheck(
  reader: StoreReader,
  request: ReconcileRequest,
  unreadableTotals: string[],
): Promise<{ check: Check; withTotals: StoredByContract }> {
  const scope = { month: request.month, contractId: request.contractId };
  const read: MonthCallsRead = {
    unreadable: [],
    counts: { billed: 0, late: 0, unratedByCode: {} },
    contracts: new Set(),
  };
  const unreadableCalls = read.unreadable;
  // A call that counts in no row (no duration, inbound without 着割) names its contract here; the
  // others' contracts are the computed rows'.
  const fromCalls = await recomputeTotalsFrom(monthCallsInto(reader.monthCalls(scope), read), (call) =>
    read.contracts.add(call.contractId),
  );
  for (const contract of fromCalls.contracts()) read.contracts.add(contract);
  const stored = readInto(await reader.storedTotals(scope), unreadableTotals);
  const allReadable = unreadableTotals.length === 0;
  const made = fromCalls.rowCounts();
  const counts = read.counts;
  const unrated = Object.entries(counts.unratedByCode).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const unratedCount = unrated.reduce((sum, [, calls]) => sum + calls, 0);
  const details: Detail[] = [
    information(
      `${counts.billed} calls of the month make ${made.typeTotals} number/type rows and ${made.chakuwariTotals} 着割 rows; ` +
        `the store holds ${stored.typeTotals.length} and ${stored.chakuwariTotals.length}`,
    ),
    information(
      `held out of the totals: ${counts.late} late call${counts.late === 1 ? '' : 's'} (until rerate --force), ` +
        `${unratedCount} unrated call${unratedCount === 1 ? '' : 's'}${unrated.length > 0 ? ` (${unrated.map(([code, calls]) => `${code} ${calls}`).join(', ')})` : ''}`,
    ),
    ...unreadableCalls.map(difference),
    ...unreadableTotals.map(difference),
    ...compareTotals(fromCalls, stored),
  ];
  const contracts = contractsWithTotals(stored);
  return {
    check: makeCheck('totals', 'totals from calls', details),
    withTotals: allReadable
      ? {
          contracts,
          byContract: monthTotalsByContract(stored),
          ...(unreadableCalls.length === 0 ? { withCalls: read.contracts } : {}),
        }
      : { contracts },
  };
}

/** What the totals check's one pass over the month's calls gathers besides the sums. */
interface MonthCallsRead {
  unreadable: string[];
  counts: HeldOutCalls;
  /** Contracts with a call in the scope: held out, or billed in no row (the rows' contracts are added after the sums). */
  contracts: Set<string>;
}

/** The billed calls of the batches, to sum; their counts, held-out contracts and unreadable rows gathered into `read`. */
async function* monthCallsInto(
  batches: AsyncIterable<MonthCallsBatch>,
  read: MonthCallsRead,
): AsyncIterable<TotalledCall[]> {
  for await (const batch of batches) {
    read.unreadable.push(...batch.unreadable);
    read.counts.billed += batch.counts.billed;
    read.counts.late += batch.counts.late;
    for (const [code, calls] of Object.entries(batch.counts.unratedByCode))
      read.counts.unratedByCode[code] = (read.counts.unratedByCode[code] ?? 0) + calls;
    for (const contract of batch.heldOutContracts) read.contracts.add(contract);
    yield batch.values;
  }
}

/** The values read; the rows left out of them are added to `unreadable` (each a difference of the check). */
function readInto<T>(read: ReadableRows<T>, unreadable: string[]): T {
  unreadable.push(...read.unreadable);
  return read.values;
}

/**
 * The contracts with stored totals in the scope and, when every row of the month read, their
 * totals as read month-wide: the statements check builds each contract's statement from them
 * instead of reading them again (two queries a contract, 1.2 s of a 1M-call month's 19,920
 * contracts). With an unreadable row there is no `byContract`: each contract's totals are read on
 * their own, and a damaged row fails the statements check as that read always did.
 */
interface StoredByContract {
  contracts: Set<string>;
  byContract?: Map<string, MonthTotals>;
  /**
   * Every contract with a call in the scope, when every call and totals row read: with the
   * contracts with totals and those with an issued revision, the statements check's contracts
   * without another pass over the month's calls.
   */
  withCalls?: Set<string>;
}

function contractsWithTotals(stored: MonthTotals): Set<string> {
  const contracts = new Set<string>();
  for (const total of stored.typeTotals) contracts.add(total.contractId);
  for (const total of stored.chakuwariTotals) contracts.add(total.contractId);
  return contracts;
}

async function statementsCheck(
  reader: StoreReader,
  reference: ReferenceData,
  request: ReconcileRequest,
  withTotals: StoredByContract,
): Promise<Check> {
  const closed = await reader.isMonthClosed(request.month);
  const scope = { month: request.month, contractId: request.contractId };
  const contracts =
    withTotals.withCalls === undefined
      ? await reader.contractsOfMonth(scope)
      : [
          ...new Set([...withTotals.withCalls, ...withTotals.contracts, ...(await reader.revisedContracts(scope))]),
        ].sort();
  const details: Detail[] = [];
  const unreadable: string[] = [];
  if (contracts.length === 0) details.push(information(`no contract has calls or statements in ${request.month}`));
  for (const contract of contracts) {
    details.push(
      ...checkContractStatements(
        {
          contract,
          month: request.month,
          current: await currentStatement(reader, reference, contract, request.month, withTotals),
          revisions: readInto(await reader.issuedRevisions(contract, request.month), unreadable),
          closed,
        },
        validateStatement,
      ),
    );
  }
  return makeCheck('statements', 'statements', [...unreadable.map(difference), ...details]);
}

/** The contract's statement built now from its stored totals (undefined: it has none in the month). */
async function currentStatement(
  reader: StoreReader,
  reference: ReferenceData,
  contract: string,
  month: string,
  withTotals: StoredByContract,
): Promise<Statement | undefined> {
  if (!withTotals.contracts.has(contract)) return undefined;
  const totals = withTotals.byContract?.get(contract);
  if (totals === undefined) return buildCurrentStatement(reader, reference, contract, month);
  withTotals.byContract!.delete(contract);
  return statementOfTotals(reader, reference, { contractId: contract, month, totals });
}

/**
 * The issued invoices of the scope against the statements they were built from (only when the
 * month has invoices: a store that bills elsewhere reconciles as before).
 */
async function invoicesCheck(reader: StoreReader, request: ReconcileRequest): Promise<Check[]> {
  const rows = await reader.invoices({
    month: request.month,
    ...(request.contractId === null ? {} : { contractId: request.contractId }),
  });
  if (rows.length === 0) return [];
  return [
    await findingOnStoreFault('invoices', 'invoices', async () => {
      const rounding = loadChargeTables().tax.rounding.mode;
      const details: Detail[] = [];
      const contracts = [...new Set(rows.map((row) => row.contractId))].sort();
      for (const contract of contracts) {
        const ofContract = rows.filter((row) => row.contractId === contract);
        const revisions = new Map<number, Statement>();
        for (const number of new Set(
          ofContract.map((row) => row.statementRevision).filter((revision) => revision !== null),
        )) {
          const revision = await reader.revision(contract, request.month, number);
          if (revision !== undefined) revisions.set(number, JSON.parse(revision.statementJson) as Statement);
        }
        const latest = await latestRevision(reader, contract, request.month).catch((error: unknown) => {
          if (isStoreFault(error)) return undefined;
          throw error;
        });
        details.push(
          ...issuedInvoiceProblems(
            { rows: ofContract, revisions, latestRevision: latest?.revision ?? null },
            rounding,
          ).map(difference),
        );
      }
      details.unshift(
        information(
          `${rows.length} invoice${rows.length === 1 ? '' : 's'} and notes of ${contracts.length} contract${contracts.length === 1 ? '' : 's'}: sha256, footing, usage lines against the statement revision each was built from`,
        ),
      );
      return makeCheck('invoices', 'invoices', details);
    }),
  ];
}

const validateStatement: StatementValidator = (document) => {
  const validate = schemaValidator('statement');
  if (validate(document)) return null;
  return describeSchemaErrors(validate.errors ?? [])
    .split('\n')
    .map((line) => line.trim())
    .join('; ');
};

async function againstCheck(
  reader: StoreReader,
  reference: ReferenceData,
  request: ReconcileRequest,
  against: AgainstStatement,
): Promise<Check> {
  const title = `against ${basename(against.source)}`;
  const theirs = against.figures;
  const details: Detail[] = [];
  const found = await ourStatement(reader, reference, theirs.contract, theirs.month, request.revision);
  if ('missing' in found)
    return makeCheck('against', title, [difference(`meisai has no statement to compare with: ${found.missing}`)]);
  const ours = found.statement;
  const oursRead = readStatementDocument(ours);
  if (!oursRead.ok)
    return makeCheck('against', title, [
      difference(`meisai's revision ${ours.revision} cannot be read: ${oursRead.message}`),
    ]);
  const which = request.revision === undefined ? 'the statement as the store stands' : 'issued';
  details.push(
    information(
      `theirs: ${theirs.contract} ${theirs.month}${theirs.revision === undefined ? '' : ` revision ${theirs.revision}`}; ours: revision ${ours.revision} (${which})`,
    ),
  );
  details.push(
    ...compareStatementFigures(
      { name: 'theirs', figures: theirs, footing: footingProblems(theirs, { strictDurationText: false }) },
      {
        name: 'ours',
        figures: oursRead.figures,
        footing: footingProblems(oursRead.figures, { strictDurationText: true }),
      },
    ),
  );
  return makeCheck('against', title, details);
}

/** Our statement to compare with theirs (the issued `revision`, else as the store stands), or why there is none: not found is an answer. */
async function ourStatement(
  reader: StoreReader,
  reference: ReferenceData,
  contractId: string,
  month: string,
  revision: number | undefined,
): Promise<{ statement: Statement } | { missing: string }> {
  if (revision === undefined) {
    const current = await findCurrentStatement(reader, reference, contractId, month);
    if (current === undefined) return { missing: `contract ${contractId} has no calls in ${month}` };
    return { statement: await numberRevision(reader, current) };
  }
  if ((await reader.revision(contractId, month, revision)) === undefined)
    return { missing: `no revision ${revision} of the statement of ${contractId} ${month}` };
  return { statement: (await readRevision(reader, contractId, month, revision)).statement };
}

/** Reads a statement file from elsewhere: UTF-8 (with or without BOM) or, if not valid UTF-8, CP932. */
export function readStatementFile(path: string): AgainstStatement {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new RunFailedError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = iconv.decode(bytes, 'cp932');
  }
  const read = readStatementText(text);
  if (!read.ok) throw new RunFailedError(`${path} is not a statement meisai can compare: ${read.message}`);
  return { source: path, figures: read.figures };
}
