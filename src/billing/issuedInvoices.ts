import { createHash } from 'node:crypto';
import { RunFailedError } from '../errors';
import { StoredInvoice } from '../store/types';
import { Invoice } from './invoice';

/** The canonical JSON of an invoice: what `invoice --format json` prints and what is stored (its sha256 with it). */
export function invoiceJson(invoice: Invoice): string {
  return `${JSON.stringify(invoice, null, 2)}\n`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The invoice number printed: the issuer's registration number and its sequence, `T1234567890123-00000042`. */
export function formatInvoiceNumber(registrationNumber: string, sequence: number): string {
  return `${registrationNumber}-${String(sequence).padStart(8, '0')}`;
}

/** Whether a stored invoice is byte for byte what was issued: its JSON still has its sha256. */
export function isIntact(row: StoredInvoice): boolean {
  return sha256(row.invoiceJson) === row.sha256;
}

/** An issued invoice is read only if it is byte for byte what was issued (its sha256 matches). */
export function readIssued(row: StoredInvoice): Invoice {
  if (!isIntact(row)) {
    throw new RunFailedError(
      `invoice ${row.invoiceNumber} of ${row.contractId} ${row.month} was altered after it was issued (sha256 mismatch); run meisai reconcile`,
    );
  }
  return JSON.parse(row.invoiceJson) as Invoice;
}

/** The stored row of a document being issued. */
export function toStored(
  invoice: Invoice,
  sequence: number,
  statementRevision: number | null,
  issuedAt: string,
): StoredInvoice {
  const json = invoiceJson(invoice);
  return {
    issuer: invoice.issuer.registrationNumber,
    sequence,
    invoiceNumber: invoice.invoiceNumber,
    kind: invoice.kind,
    contractId: invoice.contract,
    month: invoice.month,
    corrects: invoice.corrects,
    statementRevision,
    issuedAt,
    total: invoice.total,
    invoiceJson: json,
    sha256: sha256(json),
  };
}
