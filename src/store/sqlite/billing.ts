import { CustomerLine } from '../listingTypes';
import { CustomersImported, InvoiceFilter, StoredInvoice } from '../types';
import { Db } from './connection';

/** Customers and invoices on SQLite (migration 7): the SQL of the bill, inside the caller's transaction. */

export function importCustomers(
  db: Db,
  customers: readonly CustomerLine[],
  importedFrom: string,
  importedAt: string,
): CustomersImported {
  const find = db.prepare(
    'SELECT name, active_to AS activeTo FROM customers WHERE contract_id = ? AND number = ? AND active_from = ?',
  );
  const upsert = db.prepare(`
    INSERT INTO customers (contract_id, number, active_from, active_to, name, imported_from, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, number, active_from) DO UPDATE SET
      active_to = excluded.active_to, name = excluded.name, imported_from = excluded.imported_from, imported_at = excluded.imported_at`);
  let added = 0;
  let replaced = 0;
  for (const customer of customers) {
    const stored = find.get(customer.contractId, customer.number, customer.activeFrom) as
      { name: string; activeTo: string | null } | undefined;
    if (stored === undefined) added += 1;
    else if (stored.name !== customer.name || stored.activeTo !== customer.activeTo) replaced += 1;
    upsert.run(
      customer.contractId,
      customer.number,
      customer.activeFrom,
      customer.activeTo,
      customer.name,
      importedFrom,
      importedAt,
    );
  }
  return { added, replaced };
}

export function readCustomers(db: Db, contractId: string | null): CustomerLine[] {
  return db
    .prepare(
      `SELECT contract_id AS contractId, name, number, active_from AS activeFrom, active_to AS activeTo FROM customers
        WHERE ? IS NULL OR contract_id = ? ORDER BY contract_id, number, active_from`,
    )
    .all(contractId, contractId) as CustomerLine[];
}

export function nextInvoiceSequence(db: Db, issuer: string): number {
  const row = db
    .prepare(
      `INSERT INTO invoice_sequences (issuer, last_number) VALUES (?, 1)
       ON CONFLICT (issuer) DO UPDATE SET last_number = last_number + 1 RETURNING last_number AS lastNumber`,
    )
    .get(issuer) as { lastNumber: number };
  return row.lastNumber;
}

export function insertInvoice(db: Db, invoice: StoredInvoice): void {
  db.prepare(
    `INSERT INTO invoices (contract_id, invoice_number, issuer, sequence, month, kind, corrects, statement_revision, issued_at, total, invoice_json, sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
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
  );
}

export function readInvoices(db: Db, filter: InvoiceFilter): StoredInvoice[] {
  const contractId = filter.contractId ?? null;
  const month = filter.month ?? null;
  return db
    .prepare(
      `SELECT issuer, sequence, invoice_number AS invoiceNumber, kind, contract_id AS contractId, month, corrects,
              statement_revision AS statementRevision, issued_at AS issuedAt, total, invoice_json AS invoiceJson, sha256
         FROM invoices WHERE (? IS NULL OR contract_id = ?) AND (? IS NULL OR month = ?) ORDER BY issuer, sequence`,
    )
    .all(contractId, contractId, month, month) as StoredInvoice[];
}
