import { Command } from 'commander';
import { loadReferenceData } from '../../reference/referenceData';
import { readStatementFile, reconcileMonth } from '../../reconcile/reconcileMonth';
import { failureMessage, renderReportJson, renderReportText } from '../../reconcile/report';
import { ConfigurationError, RunFailedError } from '../../errors';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { contractOption, dbOption, Io, monthOption, revisionOption, withStore } from '../options';

interface ReconcileOptions {
  month: string;
  contract?: string;
  against?: string;
  revision?: number;
  json?: boolean;
  verbose?: boolean;
  db?: string;
}

export function registerReconcile(program: Command, io: Io): void {
  program
    .command('reconcile')
    .description(
      "Recompute a month's totals from the stored calls and check them against the stored totals, the statements " +
        "(built and issued: every table foots) and every file's control totals; exit 0 when all agree, 1 otherwise.",
    )
    .requiredOption('--month <YYYY-MM>', 'statement month (Japan time)', monthOption)
    .option('--contract <id>', 'only this contract (default: every contract of the month)', contractOption)
    .option(
      '--against <file>',
      'also compare, row by row, a statement from elsewhere: the JSON of spec §6 or the CSV of `statement --format csv`',
    )
    .option(
      '--revision <n>',
      'with --against: compare with this issued revision (default: the statement as the store stands)',
      revisionOption,
    )
    .option('--verbose', 'tell every contract, also those that agree (default: one line for each group of them)')
    .option('--json', 'print the report as one JSON object (every contract)')
    .addOption(dbOption())
    .action(async (options: ReconcileOptions) => {
      if (options.revision !== undefined && options.against === undefined)
        throw new ConfigurationError('--revision is only for --against');
      const against = options.against === undefined ? undefined : readStatementFile(options.against);
      if (against !== undefined) {
        const { contract, month } = against.figures;
        if (month !== options.month)
          throw new ConfigurationError(
            `${options.against} is the statement of ${month}, not of --month ${options.month}`,
          );
        if (options.contract !== undefined && contract !== options.contract) {
          throw new ConfigurationError(
            `${options.against} is the statement of ${contract}, not of --contract ${options.contract}`,
          );
        }
      }
      const reference = loadReferenceData();
      const report = await withStore(options.db, async (store) =>
        reconcileMonth(store, await withStoredSubscriptions(store, reference), {
          month: options.month,
          contractId: options.contract ?? null,
          against,
          revision: options.revision,
        }),
      );
      io.stdout(
        options.json === true
          ? renderReportJson(report)
          : renderReportText(report, { verbose: options.verbose === true }),
      );
      if (!report.ok) throw new RunFailedError(failureMessage(report));
    });
}
