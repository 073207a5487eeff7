import { Command, Option } from 'commander';
import { CsvEncoding, csvEncodingOption, writeCsv } from '../../export/csvOutput';
import { loadReferenceData } from '../../reference/referenceData';
import { loadShownStatement } from '../../statement/loadStatement';
import { shownStatementJson } from '../../statement/revisions';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { renderCsv } from '../../statement/renderCsv';
import { renderHtml } from '../../statement/renderHtml';
import { RenderOptions, renderText } from '../../statement/renderText';
import { Statement } from '../../statement/statement';
import { RunFailedError } from '../../errors';
import { contractOption, dbOption, Io, monthOption, numberOption, revisionOption, withStore } from '../options';

const RENDERERS: Record<string, (statement: Statement, options: RenderOptions) => string> = {
  text: renderText,
  json: (statement, options) => shownStatementJson(statement, options.issue != null),
  csv: (statement) => renderCsv(statement),
  html: renderHtml,
};

export function registerStatement(program: Command, io: Io): void {
  program
    .command('statement')
    .description('Print the usage statement of a contract and month.')
    .requiredOption('--contract <id>', 'contract id, e.g. N000000001', contractOption)
    .requiredOption('--month <YYYY-MM>', 'statement month (Japan time)', monthOption)
    .option('--number <number>', 'only this 050 number', numberOption)
    .option('--revision <n>', 'an issued revision (default: the statement as the store stands)', revisionOption)
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(RENDERERS)).default('text'))
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(
      async (options: {
        contract: string;
        month: string;
        number?: string;
        revision?: number;
        format: string;
        csvEncoding: CsvEncoding;
        db?: string;
      }) => {
        const reference = loadReferenceData();
        await withStore(options.db, async (store) => {
          const { statement, issue } = await loadShownStatement(
            store,
            await withStoredSubscriptions(store, reference),
            {
              contractId: options.contract,
              month: options.month,
              number: options.number,
              revision: options.revision,
            },
          );
          const output = RENDERERS[options.format]!(statement, { singleNumber: options.number !== undefined, issue });
          if (options.format === 'csv') writeCsv(io, output, options.csvEncoding);
          else io.stdout(output);
        });
      },
    );

  program
    .command('months')
    .description('Months with a statement for a contract, newest first.')
    .requiredOption('--contract <id>', 'contract id', contractOption)
    .addOption(dbOption())
    .action(async (options: { contract: string; db?: string }) => {
      await withStore(options.db, async (store) => {
        const months = await store.statementMonths(options.contract);
        if (months.length === 0)
          throw new RunFailedError(`no statement: contract ${options.contract} has no calls in any month`);
        io.stdout(months.map((month) => `${month}\n`).join(''));
      });
    });
}
