import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { readCustomersCsv } from '../../billing/customers';
import { ConfigurationError, RunFailedError } from '../../errors';
import { neutraliseFormula } from '../../export/csvOutput';
import { contractOption, dbOption, Io, withStore, withWriterStore } from '../options';

export function registerCustomers(program: Command, io: Io): void {
  const customers = program
    .command('customers')
    .description('Who is billed for what: billing names and the dates each 050 number was active.');
  customers
    .command('import')
    .description(
      'Store a customers CSV contract_id,name,number,active_from,active_to: validated whole, all or nothing (the store is created if need be).',
    )
    .argument('<file>', 'customers CSV (UTF-8)')
    .addOption(dbOption())
    .action(async (file: string, options: { db?: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new RunFailedError(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      const read = readCustomersCsv(text);
      if (!read.ok) {
        for (const problem of read.problems) io.stdout(`${file}: ${problem}\n`);
        throw new ConfigurationError(
          `${file}: ${read.problems.length} bad line${read.problems.length === 1 ? '' : 's'}, nothing imported (each is listed on stdout)`,
        );
      }
      const result = await withWriterStore(options.db, 'customers import', (store) =>
        store.transaction((writer) => writer.importCustomers(read.customers, basename(file), new Date().toISOString())),
      );
      io.stdout(
        `imported ${file}: ${read.customers.length} customer lines (${result.added} new, ${result.replaced} changed)\n`,
      );
    });
  customers
    .command('list')
    .description('Customer lines as CSV (one contract, or all), by contract, number and date.')
    .option('--contract <id>', 'only this contract', contractOption)
    .addOption(dbOption())
    .action(async (options: { contract?: string; db?: string }) => {
      const rows = await withStore(options.db, (store) => store.customers(options.contract ?? null));
      if (rows.length === 0)
        throw new RunFailedError(
          options.contract === undefined
            ? 'no customer lines: meisai customers import FILE'
            : `contract ${options.contract} has no customer line`,
        );
      const records = rows.map((row) => [row.contractId, row.name, row.number, row.activeFrom, row.activeTo ?? '']);
      io.stdout(
        stringify(
          [['contract_id', 'name', 'number', 'active_from', 'active_to'], ...records].map((row) =>
            row.map(neutraliseFormula),
          ),
        ),
      );
    });
}
