import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { RunFailedError } from '../../errors';
import { CsvEncoding, csvEncodingOption, safeCell, writeCsv } from '../../export/csvOutput';
import { registerFilesRemove } from './filesRemove';
import { contractOption, dbOption, Io, monthOption, withStore } from '../options';

/**
 * What a billing clerk asks of the store without SQL: the contracts of a month, the ingested files
 * with their control totals, the closed months, a contract-month's revisions with their reasons.
 * Each prints CSV (a header, then one line per row) or, with `--json`, one JSON array.
 */
export function registerListings(program: Command, io: Io): void {
  const print = (
    options: { json?: boolean; csvEncoding: CsvEncoding },
    columns: string[],
    rows: Record<string, unknown>[],
    cells: (row: Record<string, unknown>) => unknown[],
  ): void => {
    if (options.json === true) {
      io.stdout(`${JSON.stringify(rows)}\n`);
      return;
    }
    const text = stringify(
      rows.map((row) => cells(row).map((cell) => safeCell(cell === null || cell === undefined ? '' : String(cell)))),
      { header: true, columns, record_delimiter: 'windows' },
    );
    writeCsv(io, text, options.csvEncoding);
  };

  program
    .command('contracts')
    .description('The contracts with statement figures in a month, as CSV (contract) or --json.')
    .requiredOption('--month <YYYY-MM>', 'month (Japan time)', monthOption)
    .option('--json', 'one JSON array')
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(async (options: { month: string; json?: boolean; csvEncoding: CsvEncoding; db?: string }) => {
      const contracts = await withStore(options.db, (store) => store.monthContracts(options.month));
      if (contracts.length === 0) throw new RunFailedError(`no contract has statement figures in ${options.month}`);
      print(
        options,
        ['contract'],
        contracts.map((contract) => ({ contract })),
        (row) => [row.contract],
      );
    });

  const files = program
    .command('files')
    .description(
      'The ingested files, in ingest order, with their control totals and removal, as CSV or --json; files remove takes one back.',
    )
    .option('--json', 'one JSON array')
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(async (options: { json?: boolean; csvEncoding: CsvEncoding; db?: string }) => {
      const rows = await withStore(options.db, (store) => store.ingestedFiles());
      const columns = [
        'name',
        'sha256',
        'ingested_at',
        'source',
        'profile',
        'bytes',
        'encoding',
        'read',
        'accepted',
        'rejected',
        'duplicates',
        'skipped',
        'late',
        'recycled',
        'removed_at',
        'removed_by',
        'removal_reason',
      ];
      print(options, columns, rows as unknown as Record<string, unknown>[], (file) => [
        file.name,
        file.sha256,
        file.ingestedAt,
        file.source,
        file.profile,
        file.bytes,
        file.encoding,
        file.recordsRead,
        file.accepted,
        file.rejected,
        file.duplicates,
        file.skipped,
        file.late,
        file.recycled,
        file.removedAt,
        file.removedBy,
        file.removalReason,
      ]);
    });
  registerFilesRemove(files, io);

  program
    .command('closed-months')
    .description('The closed (invoiced) months and when each was closed, as CSV or --json.')
    .option('--json', 'one JSON array')
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(async (options: { json?: boolean; csvEncoding: CsvEncoding; db?: string }) => {
      const months = await withStore(options.db, (store) => store.closedMonthList());
      print(options, ['month', 'closed_at'], months as unknown as Record<string, unknown>[], (row) => [
        row.month,
        row.closedAt,
      ]);
    });

  program
    .command('revisions')
    .description("A contract-month's issued revisions with when and why each was issued, as CSV or --json.")
    .requiredOption('--contract <id>', 'contract id, e.g. N000000001', contractOption)
    .requiredOption('--month <YYYY-MM>', 'statement month (Japan time)', monthOption)
    .option('--json', 'one JSON array')
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(
      async (options: { contract: string; month: string; json?: boolean; csvEncoding: CsvEncoding; db?: string }) => {
        const revisions = await withStore(options.db, (store) =>
          store.revisionHistory(options.contract, options.month),
        );
        if (revisions.length === 0)
          throw new RunFailedError(
            `no revision of ${options.contract} ${options.month} has been issued (the month is open and was never re-rated)`,
          );
        print(
          options,
          ['revision', 'created_at', 'reason', 'sha256'],
          revisions as unknown as Record<string, unknown>[],
          (row) => [row.revision, row.createdAt, row.reason, row.sha256],
        );
      },
    );
}
