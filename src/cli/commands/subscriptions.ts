import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigurationError, RunFailedError } from '../../errors';
import { loadReferenceData } from '../../reference/referenceData';
import { readSubscriptionsCsv } from '../../subscription/subscriptionsCsv';
import { contractOption, dbOption, Io, withStore, withWriterStore } from '../options';

export function registerSubscriptions(program: Command, io: Io): void {
  const subscriptions = program
    .command('subscriptions')
    .description('Which plan each contract (or number) is billed by, from which date.');
  subscriptions
    .command('import')
    .description(
      'Store a CRM export contract_id,plan,effective_from[,number]: validated whole, all or nothing (the store is created if need be).',
    )
    .argument('<file>', 'subscriptions CSV (UTF-8)')
    .addOption(dbOption())
    .action(async (file: string, options: { db?: string }) => {
      const reference = loadReferenceData();
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new RunFailedError(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      const read = readSubscriptionsCsv(text, new Set(reference.tariffs.plans.keys()));
      if (!read.ok) {
        for (const problem of read.problems) io.stdout(`${file}: ${problem}\n`);
        throw new ConfigurationError(
          `${file}: ${read.problems.length} bad line${read.problems.length === 1 ? '' : 's'}, nothing imported (each is listed on stdout)`,
        );
      }
      const result = await withWriterStore(options.db, 'subscriptions import', (store) =>
        store.transaction((writer) =>
          writer.importSubscriptions(read.subscriptions, basename(file), new Date().toISOString()),
        ),
      );
      io.stdout(
        `imported ${file}: ${read.subscriptions.length} subscription${read.subscriptions.length === 1 ? '' : 's'} (${result.added} new, ${result.replaced} changed plan); rerate a month to re-rate its calls\n`,
      );
    });
  subscriptions
    .command('list')
    .description("A contract's subscriptions as CSV, its own and its numbers', by number and date.")
    .requiredOption('--contract <id>', 'contract id', contractOption)
    .addOption(dbOption())
    .action(async (options: { contract: string; db?: string }) => {
      const rows = await withStore(options.db, (store) => store.contractSubscriptions(options.contract));
      if (rows.length === 0)
        throw new RunFailedError(`contract ${options.contract} has no subscription: it is billed by the default plan`);
      io.stdout('contract_id,number,plan,effective_from,imported_from\n');
      for (const row of rows)
        io.stdout(`${row.contractId},${row.number ?? ''},${row.plan},${row.effectiveFrom},${row.importedFrom}\n`);
    });
}
