import { RunFailedError } from '../errors';
import { ReferenceData } from '../reference/referenceData';
import { tariffForMonth } from '../statement/loadStatement';
import { latestRevision } from '../statement/revisions';
import { Store, StoreReader, StoreWriter } from '../store/types';
import { CustomerLine } from '../store/listingTypes';
import { withStoredSubscriptions } from '../store/storedSubscriptions';
import { buildCorrection, buildInvoice } from './buildInvoice';
import { ChargeTables, Issuer, monthCharges } from './chargeTables';
import { activeDays } from './customers';
import { Invoice } from './invoice';
import { formatInvoiceNumber, readIssued, toStored } from './issuedInvoices';

export interface BillRequest {
  month: string;
  /** One contract, or every contract of the month (null). */
  contractId: string | null;
  dryRun: boolean;
  /** Issue date printed on the documents, `YYYY-MM-DD` (Japan time). */
  issuedOn: string;
  issuer: Issuer;
  tables: ChargeTables;
}

export type BillOutcome =
  | { contractId: string; action: 'issued' | 'corrected'; document: Invoice }
  | { contractId: string; action: 'unchanged'; invoiceNumber: string }
  | { contractId: string; action: 'refused'; why: string };

export interface BillResult {
  month: string;
  dryRun: boolean;
  outcomes: BillOutcome[];
}

const DRY_RUN_NUMBER = '(dry run)';

/**
 * The bill run of a closed month: for each contract with calls (its latest issued statement) or
 * with a number active in the month, the invoice when none is issued yet, else a credit or debit
 * note for what changed since. A contract with calls but no customer line is refused (named in
 * the outcomes); the others are billed. All in one transaction holding the month's lock: invoice
 * numbers are taken in it, so a failed run leaves no gap.
 */
export async function billMonth(store: Store, reference: ReferenceData, request: BillRequest): Promise<BillResult> {
  const work = async (reader: StoreReader, writer: StoreWriter | null): Promise<BillResult> => {
    if (!(await reader.isMonthClosed(request.month))) {
      throw new RunFailedError(
        `${request.month} is open: only a closed month is billed (meisai close --month ${request.month} first)`,
      );
    }
    const withPlans = await withStoredSubscriptions(reader, reference);
    const customers = await reader.customers(request.contractId);
    const withCalls = new Set([
      ...(await reader.revisedContracts({ month: request.month, contractId: request.contractId })),
    ]);
    const active = new Set(
      customers.filter((line) => activeDays(line, request.month).size > 0).map((line) => line.contractId),
    );
    const known = new Set(customers.map((line) => line.contractId));
    const outcomes: BillOutcome[] = [];
    for (const contractId of [...new Set([...withCalls, ...active])].sort()) {
      if (!known.has(contractId)) {
        outcomes.push({
          contractId,
          action: 'refused',
          why: `contract ${contractId} has calls in ${request.month} but no customer line (meisai customers import)`,
        });
        continue;
      }
      outcomes.push(
        await billContract(
          reader,
          writer,
          withPlans,
          request,
          contractId,
          customers.filter((line) => line.contractId === contractId),
        ),
      );
    }
    return { month: request.month, dryRun: request.dryRun, outcomes };
  };
  if (request.dryRun) return store.readTransaction((reader) => work(reader, null));
  return store.transaction((writer) => work(writer, writer), { lockKey: `month:${request.month}` });
}

async function billContract(
  reader: StoreReader,
  writer: StoreWriter | null,
  reference: ReferenceData,
  request: BillRequest,
  contractId: string,
  customers: CustomerLine[],
): Promise<BillOutcome> {
  const revision = await latestRevision(reader, contractId, request.month);
  const plan = tariffForMonth(reference, contractId, request.month).plan;
  const charges = monthCharges(request.tables, plan, request.month);
  const issuedRows = await reader.invoices({ contractId, month: request.month });
  const issued = issuedRows.map(readIssued);
  const build = (invoiceNumber: string): Invoice =>
    buildInvoice({
      invoiceNumber,
      issuedOn: request.issuedOn,
      issuer: request.issuer,
      contractId,
      month: request.month,
      statement: revision?.statement ?? null,
      customers,
      charges,
    });
  const take = async (): Promise<{ sequence: number; invoiceNumber: string }> => {
    if (writer === null) return { sequence: 0, invoiceNumber: DRY_RUN_NUMBER };
    const sequence = await writer.nextInvoiceSequence(request.issuer.registrationNumber);
    return { sequence, invoiceNumber: formatInvoiceNumber(request.issuer.registrationNumber, sequence) };
  };
  let document: Invoice;
  let sequence: number;
  if (issued.length === 0) {
    const taken = await take();
    sequence = taken.sequence;
    document = build(taken.invoiceNumber);
  } else {
    const note = buildCorrection({
      issued,
      current: build(DRY_RUN_NUMBER),
      invoiceNumber: DRY_RUN_NUMBER,
      issuedOn: request.issuedOn,
      rounding: charges.taxRounding,
    });
    if (note === null)
      return {
        contractId,
        action: 'unchanged',
        invoiceNumber: issued.find((one) => one.kind === 'invoice')!.invoiceNumber,
      };
    const taken = await take();
    sequence = taken.sequence;
    document = { ...note, invoiceNumber: taken.invoiceNumber };
  }
  if (writer !== null)
    await writer.insertInvoice(toStored(document, sequence, revision?.revision ?? null, new Date().toISOString()));
  return { contractId, action: issued.length === 0 ? 'issued' : 'corrected', document };
}
