import { storedInteger } from '../rowChecks';
import { CustomerLine } from '../listingTypes';
import { CustomersImported, InvoiceFilter, StoredInvoice } from '../types';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgSession';

/** Customers and invoices on PostgreSQL (migration 6), inside the caller's transaction or on a pooled connection. */

function customerFromRow(row: Record<string, unknown>): CustomerLine {
  return {
    contractId: row.contractId as string,
    name: row.name as string,
    number: row.number as string,
    activeFrom: row.activeFrom as string,
    activeTo: (row.activeTo as string | null) ?? null,
  };
}

export async function readCustomers(
  store: PgStore,
  client: Queryable,
  contractId: string | null,
): Promise<CustomerLine[]> {
  const result =
    contractId === null
      ? await store.run(client, 'customers')
      : await store.run(client, 'contractCustomers', [contractId]);
  return result.rows.map(customerFromRow);
}

export async function importCustomers(
  store: PgStore,
  client: Queryable,
  customers: readonly CustomerLine[],
  importedFrom: string,
  importedAt: string,
): Promise<CustomersImported> {
  const key = (contractId: string, number: string, activeFrom: string): string =>
    `${contractId}\u0000${number}\u0000${activeFrom}`;
  const contracts = customers.map((customer) => customer.contractId);
  const numbers = customers.map((customer) => customer.number);
  const froms = customers.map((customer) => customer.activeFrom);
  const stored = new Map(
    (await store.run(client, 'storedCustomers', [contracts, numbers, froms])).rows.map((row) => [
      key(row.contractId, row.number, row.activeFrom),
      { name: row.name as string, activeTo: (row.activeTo as string | null) ?? null },
    ]),
  );
  let added = 0;
  let replaced = 0;
  for (const customer of customers) {
    const before = stored.get(key(customer.contractId, customer.number, customer.activeFrom));
    if (before === undefined) added += 1;
    else if (before.name !== customer.name || before.activeTo !== customer.activeTo) replaced += 1;
  }
  if (customers.length > 0) {
    await store.run(client, 'upsertCustomers', [
      contracts,
      numbers,
      froms,
      customers.map((customer) => customer.activeTo),
      customers.map((customer) => customer.name),
      importedFrom,
      importedAt,
    ]);
  }
  return { added, replaced };
}

export async function nextInvoiceSequence(store: PgStore, client: Queryable, issuer: string): Promise<number> {
  return Number((await store.run(client, 'nextInvoiceSequence', [issuer])).rows[0]!.lastNumber);
}

export async function insertInvoice(store: PgStore, client: Queryable, invoice: StoredInvoice): Promise<void> {
  await store.run(client, 'insertInvoice', [
    invoice.contractId,
    invoice.invoiceNumber,
    invoice.issuer,
    invoice.sequence,
    invoice.month,
    invoice.kind,
    invoice.corrects,
    invoice.statementRevision,
    invoice.issuedAt,
    invoice.total,
    invoice.invoiceJson,
    invoice.sha256,
  ]);
}

export async function readInvoices(store: PgStore, client: Queryable, filter: InvoiceFilter): Promise<StoredInvoice[]> {
  const result =
    filter.contractId !== undefined
      ? await store.run(client, 'contractInvoices', [filter.contractId, filter.month ?? null])
      : filter.month !== undefined
        ? await store.run(client, 'monthInvoices', [filter.month])
        : await store.run(client, 'allInvoices');
  return result.rows.map((row) => ({
    ...(row as StoredInvoice),
    sequence: storedInteger(store.location, 'invoices.sequence', row.sequence),
    statementRevision:
      row.statementRevision === null
        ? null
        : storedInteger(store.location, 'invoices.statement_revision', row.statementRevision),
  }));
}
