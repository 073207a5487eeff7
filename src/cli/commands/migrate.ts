import { Command } from 'commander';
import { dbOption, Io, withWriterStore } from '../options';

export function registerMigrate(program: Command, io: Io): void {
  program
    .command('migrate')
    .description('Create the store if there is none (in an existing folder) and bring its schema up to date.')
    .addOption(dbOption())
    .action(async (options: { db?: string }) => {
      await withWriterStore(options.db, 'migrate', async (store) => {
        io.stdout(`${store.location}: ${store.engine} store at schema version ${await store.schemaVersion()}\n`);
      });
    });
}
