/** The Store's shapes for what is listed and issued: customers, invoices, files, closed months, revisions. */

/**
 * Who is billed for what: a contract's billing name (請求先) and each 050 number with the
 * Japan-time dates it was active (`activeTo` inclusive, null while active).
 */
export interface CustomerLine {
  contractId: string;
  name: string;
  number: string;
  activeFrom: string;
  activeTo: string | null;
}

/** What an issued document is: the month's invoice, or a note correcting it one way or the other. */
export type InvoiceKind = 'invoice' | 'credit-note' | 'debit-note';

/** What an import of customers did: lines new to the store, and lines that changed a stored one (name or active_to). */
export interface CustomersImported {
  added: number;
  replaced: number;
}

/** An issued invoice or note as stored: its JSON byte for byte and the sha256 of it. */
export interface StoredInvoice {
  /** The issuer's registration number: invoice numbers are sequential per issuer. */
  issuer: string;
  sequence: number;
  invoiceNumber: string;
  kind: InvoiceKind;
  contractId: string;
  month: string;
  /** The invoice number a note corrects; null on an invoice. */
  corrects: string | null;
  /** The statement revision it was built from; null for a contract without calls that month. */
  statementRevision: number | null;
  issuedAt: string;
  /** The amount due, a decimal string. */
  total: string;
  invoiceJson: string;
  sha256: string;
}

/** Which invoices to list: by contract, by month, or both. */
export interface InvoiceFilter {
  contractId?: string;
  month?: string;
}

/** A file as `meisai files` lists it: where it came from, when, and its control totals. */
export interface IngestedFile {
  name: string;
  sha256: string;
  source: string | null;
  ingestedAt: string;
  bytes: number;
  encoding: string;
  /** The input profile's id; null for the canonical CSV read without one. */
  profile: string | null;
  recordsRead: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  late: number;
  recycled: number;
  skipped: number;
  /** When `files remove` took the file's effect back (null: it stands), by whom and why. */
  removedAt: string | null;
  removedBy: string | null;
  removalReason: string | null;
}

/** A closed (invoiced) month and when it was closed. */
export interface ClosedMonth {
  month: string;
  closedAt: string;
}

/** An issued revision as `meisai revisions` lists it: when, why, and its hash. */
export interface RevisionSummary {
  revision: number;
  createdAt: string;
  reason: string;
  sha256: string;
}
