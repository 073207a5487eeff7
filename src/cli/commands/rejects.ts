import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { RunFailedError } from '../../errors';
import { writeFileSync } from 'node:fs';
import { CsvEncoding, csvEncodingOption, encodeCsv, escapeControls, safeCell, writeCsv } from '../../export/csvOutput';
import { japanMonth } from '../../time/japanTime';
import { REJECT_CODES } from '../../input/rejection';
import { ConfigurationError } from '../../errors';
import { dbOption, Io, monthOption, withStore } from '../options';

/** A reject code meisai gives; another is bad usage (exit 2), naming the codes there are. */
function rejectCodeOption(value: string): string {
  if (!(REJECT_CODES as readonly string[]).includes(value))
    throw new ConfigurationError(`reject code "${value}" is not valid: expected one of ${REJECT_CODES.join(', ')}`);
  return value;
}

export function registerRejects(program: Command, io: Io): void {
  program
    .command('rejects')
    .description(
      'Stored rejects as CSV (file, line, code, message, the raw line as received), to correct and re-deliver.',
    )
    .option('--file <name>', 'only the rejects of this file (its name as ingested)')
    .option('--code <code>', 'only this reason code, e.g. NO_TARIFF', rejectCodeOption)
    .option(
      '--month <YYYY-MM>',
      'only rejects whose call starts in this month (those kept with their record: NO_TARIFF, NOT_CALLABLE, BAD_PEER)',
      monthOption,
    )
    .option(
      '--raw <file>',
      'write the CSV to this file with each raw line byte for byte (control characters included) instead of escaped on stdout',
    )
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(
      async (options: {
        file?: string;
        code?: string;
        month?: string;
        raw?: string;
        csvEncoding: CsvEncoding;
        db?: string;
      }) => {
        const stored = await withStore(options.db, (store) =>
          store.rejects({ fileName: options.file, code: options.code }),
        );
        const rejects =
          options.month === undefined
            ? stored
            : stored.filter((reject) => reject.startMs !== null && japanMonth(reject.startMs) === options.month);
        if (rejects.length === 0) {
          const filters = [
            options.file === undefined ? null : `file ${options.file}`,
            options.code === undefined ? null : `code ${options.code}`,
            options.month === undefined ? null : `month ${options.month}`,
          ].filter(Boolean);
          throw new RunFailedError(`no stored rejects${filters.length === 0 ? '' : ` for ${filters.join(', ')}`}`);
        }
        // The raw line is kept byte for byte (it is meant to be corrected and sent again); the other cells are made safe for a spreadsheet.
        // A control character (ESC, BEL, NUL) would act on the operator's terminal: escaped (`\x1b`) unless --raw writes to a file.
        const rawLine = (raw: string): string => (options.raw === undefined ? escapeControls(raw) : raw);
        const text = stringify(
          rejects.map((reject) => [
            safeCell(reject.fileName),
            String(reject.line),
            reject.code,
            safeCell(reject.message),
            rawLine(reject.raw),
          ]),
          { header: true, columns: ['file', 'line', 'code', 'message', 'raw'], record_delimiter: 'windows' },
        );
        if (options.raw === undefined) writeCsv(io, text, options.csvEncoding);
        else {
          writeFileSync(options.raw, encodeCsv(text, options.csvEncoding));
          io.stdout(
            `wrote ${rejects.length} ${rejects.length === 1 ? 'reject' : 'rejects'} to ${options.raw}, raw lines byte for byte\n`,
          );
        }
      },
    );
}
