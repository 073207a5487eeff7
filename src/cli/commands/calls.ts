import { Command, Option } from 'commander';
import { DirectionFilter, readCallDetails, renderCallDetailsCsv } from '../../export/callDetails';
import { readAllowanceCoverage } from '../../statement/loadStatement';
import { loadReferenceData } from '../../reference/referenceData';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { CsvEncoding, csvEncodingOption, writeCsv } from '../../export/csvOutput';
import { contractOption, dbOption, Io, monthOption, numberOption, withStore } from '../options';

interface CallsOptions {
  contract: string;
  month: string;
  number?: string;
  mask?: boolean;
  direction: DirectionFilter;
  csvEncoding: CsvEncoding;
  db?: string;
}

export function registerCalls(program: Command, io: Io): void {
  program
    .command('calls')
    .description('Export the per-call detail (通話明細) of a contract and month as CSV, start times in Japan time.')
    .requiredOption('--contract <id>', 'contract id, e.g. N000000001', contractOption)
    .requiredOption('--month <YYYY-MM>', 'month of the call starts (Japan time)', monthOption)
    .option('--number <number>', 'only this 050 number', numberOption)
    .option('--mask', 'hide the last four digits of each peer as ****, as carriers print 通話明細')
    .addOption(
      new Option('--direction <direction>', 'outbound, inbound or all calls')
        .choices(['out', 'in', 'all'])
        .default('all'),
    )
    .addOption(csvEncodingOption())
    .addOption(dbOption())
    .action(async (options: CallsOptions) => {
      const reference = loadReferenceData();
      await withStore(options.db, async (store) => {
        const calls = await readCallDetails(store, {
          contractId: options.contract,
          month: options.month,
          number: options.number,
          direction: options.direction,
        });
        const allowanceCovered = await readAllowanceCoverage(
          store,
          await withStoredSubscriptions(store, reference),
          options.contract,
          options.month,
        );
        writeCsv(
          io,
          renderCallDetailsCsv(calls, {
            mask: options.mask === true,
            ...(allowanceCovered === undefined ? {} : { allowanceCovered }),
          }),
          options.csvEncoding,
        );
      });
    });
}
