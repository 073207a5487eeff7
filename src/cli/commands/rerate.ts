import { Command } from 'commander';
import { loadReferenceData } from '../../reference/referenceData';
import { closeMonth } from '../../rerate/closeMonth';
import { RerateResult, rerateMonth } from '../../rerate/rerateMonth';
import { formatRowChange } from '../../statement/diffStatements';
import { contractOption, dbOption, Io, monthOption, withWriterStore } from '../options';

export function registerRerate(program: Command, io: Io): void {
  program
    .command('rerate')
    .description('Re-rate a month from the stored calls with the tariff and numbering files as they are now; issue a new revision where figures change.')
    .requiredOption('--month <YYYY-MM>', 'month to re-rate (Japan time)', monthOption)
    .option('--contract <id>', 'only this contract', contractOption)
    .option('--reason <text>', 'why (kept with the new revision)', 're-rated')
    .option('--force', 're-rate a closed month (its statement changes; late calls are billed)')
    .option('--json', 'print the changes as one JSON object')
    .addOption(dbOption())
    .action(async (options: { month: string; contract?: string; reason: string; force?: boolean; json?: boolean; db?: string }) => {
      const reference = loadReferenceData();
      const result = await withWriterStore(options.db, 'rerate', (db) =>
        rerateMonth(db, reference, { month: options.month, contractId: options.contract, reason: options.reason, force: options.force === true }),
      );
      io.stdout(options.json ? `${JSON.stringify(result)}\n` : formatRerate(result));
    });

  program
    .command('close')
    .description('Mark a month as invoiced: its statements are issued as they stand; later calls of it are stored as late.')
    .requiredOption('--month <YYYY-MM>', 'month to close', monthOption)
    .addOption(dbOption())
    .action(async (options: { month: string; db?: string }) => {
      const reference = loadReferenceData();
      const result = await withWriterStore(options.db, 'close', (db) => closeMonth(db, reference, options.month));
      if (result.alreadyClosed) {
        io.stdout(`${result.month} was already closed\n`);
        return;
      }
      io.stdout(`closed ${result.month}: ${result.statements.length} statement(s)\n`);
      for (const statement of result.statements) {
        io.stdout(`  ${statement.contractId}  revision ${statement.revision}${statement.issued ? ' (issued now)' : ''}\n`);
      }
    });
}

export function formatRerate(result: RerateResult): string {
  const lines = [`re-rated ${result.month}: ${result.calls} calls${result.lateBilled > 0 ? `, ${result.lateBilled} late calls now billed` : ''}`];
  for (const [code, count] of Object.entries(result.unrated)) lines.push(`  no longer rateable: ${count} ${code} (left out of the totals)`);
  for (const contract of result.contracts) {
    if (!contract.issued) {
      lines.push(`${contract.contractId} ${result.month}: no change (revision ${contract.toRevision ?? '-'} stands)`);
      continue;
    }
    lines.push(`${contract.contractId} ${result.month}: revision ${contract.fromRevision ?? '-'} → ${contract.toRevision}`);
    for (const change of contract.changes) lines.push(formatRowChange(change));
  }
  return `${lines.join('\n')}\n`;
}
