import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadChargeTables, loadIssuer } from '../../billing/billingData';
import { BillOutcome, BillResult, billMonth } from '../../billing/billMonth';
import { Invoice } from '../../billing/invoice';
import { invoiceJson, readIssued } from '../../billing/issuedInvoices';
import { renderInvoiceCsv, renderInvoicesCsv, renderInvoiceText } from '../../billing/renderInvoice';
import { renderInvoiceHtml } from '../../billing/renderInvoiceHtml';
import { ConfigurationError, RunFailedError } from '../../errors';
import { CsvEncoding, csvEncodingOption, writeCsv } from '../../export/csvOutput';
import { loadReferenceData } from '../../reference/referenceData';
import { formatMoney } from '../../statement/renderText';
import { plural } from '../../text/plural';
import { formatJapanTime } from '../../time/japanTime';
import { contractOption, dbOption, Io, monthOption, requireMatch, withStore, withWriterStore } from '../options';

/** Today in Japan time, `YYYY-MM-DD`: the issue date of a bill run. */
function japanToday(): string {
  return formatJapanTime(Date.now()).slice(0, 10);
}

export function registerBill(program: Command, io: Io): void {
  program
    .command('bill')
    .description(
      'Issue the qualified invoices (適格請求書) of a closed month, one per contract; a credit or debit note where figures changed since issue.',
    )
    .requiredOption('--month <YYYY-MM>', 'closed month of use', monthOption)
    .option('--contract <id>', 'only this contract', contractOption)
    .option('--dry-run', 'print what would be issued; store nothing')
    .option(
      '--issued-on <YYYY-MM-DD>',
      'issue date printed on the documents (default: today, Japan time)',
      (value: string) =>
        requireMatch(value, /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'issue date', 'YYYY-MM-DD'),
    )
    .option('--verbose', 'list every contract, unchanged ones included')
    .addOption(dbOption())
    .action(
      async (options: {
        month: string;
        contract?: string;
        dryRun?: boolean;
        issuedOn?: string;
        verbose?: boolean;
        db?: string;
      }) => {
        const reference = loadReferenceData();
        const issuer = loadIssuer();
        const tables = loadChargeTables();
        const request = {
          month: options.month,
          contractId: options.contract ?? null,
          dryRun: options.dryRun === true,
          issuedOn: options.issuedOn ?? japanToday(),
          issuer,
          tables,
        };
        const result = request.dryRun
          ? await withStore(options.db, (store) => billMonth(store, reference, request))
          : await withWriterStore(options.db, 'bill', (store) => billMonth(store, reference, request));
        io.stdout(formatBill(result, { verbose: options.verbose === true || options.contract !== undefined }));
        const refused = result.outcomes.filter((outcome) => outcome.action === 'refused');
        if (refused.length > 0)
          throw new RunFailedError(
            `${plural(refused.length, 'contract')} refused: ${refused.map((outcome) => outcome.contractId).join(', ')} (no customer line)`,
          );
      },
    );

  program
    .command('invoice')
    .description('An issued invoice (and its notes) of a contract and month.')
    .requiredOption('--contract <id>', 'contract id', contractOption)
    .requiredOption('--month <YYYY-MM>', 'month of use', monthOption)
    .addOption(
      new Option('--format <format>', 'output format (html and pdf: one printable A4 document)')
        .choices(['text', 'json', 'csv', 'html', 'pdf'])
        .default('text'),
    )
    .option(
      '--number <invoiceNumber>',
      'with html or pdf: which document when the month has notes too (default: the newest)',
    )
    .option('-o, --output <file>', 'with pdf: write the PDF to this file (default: standard output)')
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(
      async (options: {
        contract: string;
        month: string;
        format: string;
        number?: string;
        output?: string;
        csvEncoding: CsvEncoding;
        db?: string;
      }) => {
        const documents = await withStore(options.db, async (store) =>
          (await store.invoices({ contractId: options.contract, month: options.month })).map(readIssued),
        );
        if (documents.length === 0)
          throw new RunFailedError(
            `no invoice: contract ${options.contract} has none issued for ${options.month} (meisai bill --month ${options.month})`,
          );
        if (options.format === 'html' || options.format === 'pdf') {
          const printed = printableDocument(documents, options.number);
          if (options.format === 'html') io.stdout(renderInvoiceHtml(printed));
          else {
            // pdfkit and its fonts take ~80 ms to load: only a PDF run pays for them.
            const { renderInvoicePdf } = await import('../../billing/renderInvoicePdf');
            writePdf(io, await renderInvoicePdf(printed), options.output);
          }
          return;
        }
        if (options.format === 'json')
          io.stdout(documents.length === 1 ? invoiceJson(documents[0]!) : `${JSON.stringify(documents, null, 2)}\n`);
        else if (options.format === 'csv')
          writeCsv(
            io,
            documents
              .map((document, index) =>
                index === 0
                  ? renderInvoiceCsv(document)
                  : renderInvoiceCsv(document).split('\r\n').slice(1).join('\r\n'),
              )
              .join(''),
            options.csvEncoding,
          );
        else io.stdout(documents.map(renderInvoiceText).join('\n'));
      },
    );

  program
    .command('invoices')
    .description(
      'Issued invoices and notes: of a contract (請求情報一覧: month, number, amount, status), or of a month as CSV for accounting.',
    )
    .option('--contract <id>', "the contract's invoices", contractOption)
    .option('--month <YYYY-MM>', "the month's invoices and notes", monthOption)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'csv']).default('text'))
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(
      async (options: { contract?: string; month?: string; format: string; csvEncoding: CsvEncoding; db?: string }) => {
        if (options.contract === undefined && options.month === undefined)
          throw new ConfigurationError('invoices needs --contract ID or --month YYYY-MM');
        const rows = await withStore(options.db, (store) =>
          store.invoices({ contractId: options.contract, month: options.month }),
        );
        if (rows.length === 0)
          throw new RunFailedError(
            `no invoice issued${options.contract === undefined ? '' : ` for contract ${options.contract}`}${options.month === undefined ? '' : ` in ${options.month}`}`,
          );
        const documents = rows.map((stored) => ({ stored, invoice: readIssued(stored) }));
        if (options.format === 'csv') {
          writeCsv(io, renderInvoicesCsv(documents), options.csvEncoding);
          return;
        }
        io.stdout(formatInvoiceList(documents.map((document) => document.invoice)));
      },
    );
}

/** The document `--number` names, or the newest (the last issued) of the contract-month. */
function printableDocument(documents: readonly Invoice[], number: string | undefined): Invoice {
  if (number === undefined) return documents[documents.length - 1]!;
  const found = documents.find((document) => document.invoiceNumber === number);
  if (found === undefined)
    throw new ConfigurationError(
      `--number ${number} is not a document of this contract and month (it has ${documents.map((document) => document.invoiceNumber).join(', ')})`,
    );
  return found;
}

/** A PDF is bytes: to a file with `--output`, else to standard output, refused where stdout takes only text. */
function writePdf(io: Io, pdf: Buffer, output: string | undefined): void {
  if (output !== undefined) writeFileSync(output, pdf);
  else if (io.stdoutBytes !== undefined) io.stdoutBytes(pdf);
  else throw new ConfigurationError('--format pdf writes bytes: give --output FILE');
}

const STATUS: Record<Invoice['kind'], string> = { invoice: '発行済', 'credit-note': '返還', 'debit-note': '修正' };

/** 請求情報一覧: newest month first; each invoice with its notes after it, and whether a note corrected it. */
export function formatInvoiceList(invoices: readonly Invoice[]): string {
  const corrected = new Set(invoices.map((invoice) => invoice.corrects).filter((number) => number !== null));
  const sorted = [...invoices].sort((left, right) =>
    left.month !== right.month ? (left.month < right.month ? 1 : -1) : 0,
  );
  const lines = ['month    invoice_number            kind         total  status'];
  for (const invoice of sorted) {
    const status =
      invoice.kind === 'invoice' && corrected.has(invoice.invoiceNumber) ? '発行済 (訂正あり)' : STATUS[invoice.kind];
    lines.push(
      `${invoice.month}  ${invoice.invoiceNumber.padEnd(24)}  ${invoice.kind.padEnd(11)}  ${formatMoney(invoice.total).padStart(8)}  ${status}${invoice.corrects === null ? '' : ` → ${invoice.corrects}`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function describe(outcome: BillOutcome): string {
  switch (outcome.action) {
    case 'issued':
    case 'corrected':
      return `  ${outcome.contractId} ${outcome.document.kind} ${outcome.document.invoiceNumber}: ${formatMoney(outcome.document.total)} yen${outcome.document.corrects === null ? '' : ` (corrects ${outcome.document.corrects})`}`;
    case 'unchanged':
      return `  ${outcome.contractId} unchanged (${outcome.invoiceNumber})`;
    case 'refused':
      return `  ${outcome.contractId} refused: ${outcome.why}`;
  }
}

/** A summary line, then each document issued (or that would be) and each contract refused; unchanged ones with `verbose`. */
export function formatBill(result: BillResult, options: { verbose: boolean }): string {
  const count = (action: BillOutcome['action']): number =>
    result.outcomes.filter((outcome) => outcome.action === action).length;
  const verb = result.dryRun ? 'would issue' : 'issued';
  const lines = [
    `bill ${result.month}${result.dryRun ? ' (dry run)' : ''}: ${verb} ${plural(count('issued'), 'invoice')} and ${plural(count('corrected'), 'note')}; ${count('unchanged')} unchanged, ${count('refused')} refused`,
  ];
  for (const outcome of result.outcomes)
    if (outcome.action !== 'unchanged' || options.verbose) lines.push(describe(outcome));
  return `${lines.join('\n')}\n`;
}
