import { InvoiceKind } from '../store/listingTypes';

/**
 * A qualified invoice (適格請求書) or a note correcting one, as meisai issues it: the document's
 * shape shared by the bill run that builds it, the store that keeps it (with its sha256, never
 * changed once issued) and every rendering (text, JSON, CSV, HTML, PDF, the statement page's
 * 請求情報照会 tab). Money is a decimal string of yen (`"1234"`, `"-56"`; amounts of a line may
 * carry fractions, the totals and taxes are whole yen); `quantity` is a decimal string too.
 */
export type TaxCategory = '10' | '8' | '5' | 'exempt';

export type InvoiceLineKind =
  'usage' | 'chakuwari' | 'allowance' | 'basic' | 'universal-service' | 'relay-service' | 'adjustment';

export interface InvoiceLine {
  kind: InvoiceLineKind;
  /** Japanese label as printed, e.g. `050-1234-5678 国内通話料` or `ユニバーサルサービス料`. */
  label: string;
  /** The 050 number the line is for; null for a per-contract line. */
  number: string | null;
  quantity: string;
  amount: string;
  tax: TaxCategory;
}

export interface InvoiceTax {
  /** `"10"`, `"8"` or `"5"`: the percentage. */
  rate: '10' | '8' | '5';
  /** Sum of the lines at this rate (after 着割), before tax. */
  base: string;
  /** base × rate, rounded once for the invoice (never per line). */
  tax: string;
}

export interface Invoice {
  invoiceNumber: string;
  kind: InvoiceKind;
  contract: string;
  /** Month of use, `YYYY-MM`. */
  month: string;
  /** Issue date, `YYYY-MM-DD` (Japan time). */
  issuedOn: string;
  issuer: { name: string; registrationNumber: string; address: string };
  recipient: { name: string };
  lines: InvoiceLine[];
  taxes: InvoiceTax[];
  /** Sum of the export-exempt (免税) lines. */
  exempt: string;
  /** Sum of all lines. */
  subtotal: string;
  taxTotal: string;
  /** subtotal + taxTotal: the amount due (negative on a credit note). */
  total: string;
  /** The invoice number this note corrects; null on an invoice. */
  corrects: string | null;
  /** How 着割 was allocated across tax categories, as printed on the invoice. */
  notes: string[];
}
