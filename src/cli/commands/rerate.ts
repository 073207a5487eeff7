import { Command } from 'commander';
import { loadReferenceData } from '../../reference/referenceData';
import { CloseResult, closeMonth } from '../../rerate/closeMonth';
import { RerateResult, rerateMonth } from '../../rerate/rerateMonth';
import { formatRowChange } from '../../statement/diffStatements';
import { withStoredSubscriptions } from '../../subscription/storedSubscriptions';
import { contractOption, dbOption, Io, monthOption, withWriterStore } from '../options';

export function registerRerate(program: Command, io: Io): void {
  program
    .command('rerate')
    .description('Re-rate a month from the stored calls with the tariff and numbering files as they are now; issue a new revision where figures change.')
    .requiredOption('--month <YYYY-MM>', 'month to re-rate (Japan time)', monthOption)
    .option('--contract <id>', 'only this contract', contractOption)
    .option('--reason <text>', 'why (kept with the new revision)', 're-rated')
    .option('--force', 're-rate a closed month (its statement changes; late calls are billed)')
    .option('--verbose', 'also list the contracts whose figures did not change')
    .option('--json', 'print the changes as one JSON object (every contract)')
    .addOption(dbOption())
    .action(async (options: { month: string; contract?: string; reason: string; force?: boolean; verbose?: boolean; json?: boolean; db?: string }) => {
      const reference = loadReferenceData();
      const result = await withWriterStore(options.db, 'rerate', async (store) =>
        rerateMonth(store, await withStoredSubscriptions(store, reference), { month: options.month, contractId: options.contract, reason: options.reason, force: options.force === true }),
      );
      io.stdout(options.json ? `${JSON.stringify(result)}\n` : formatRerate(result, { verbose: options.verbose === true || options.contract !== undefined }));
    });

  program
    .command('close')
    .description('Mark a month as invoiced: its statements are issued as they stand; later calls of it are stored as late.')
    .requiredOption('--month <YYYY-MM>', 'month to close', monthOption)
    .option('--allow-empty', 'close a month that has no calls (refused otherwise, exit 1: most likely a typo of the month)')
    .option('--verbose', 'list every contract and its revision')
    .addOption(dbOption())
    .action(async (options: { month: string; allowEmpty?: boolean; verbose?: boolean; db?: string }) => {
      const reference = loadReferenceData();
      const result = await withWriterStore(options.db, 'close', async (store) => closeMonth(store, await withStoredSubscriptions(store, reference), options.month, { allowEmpty: options.allowEmpty === true }));
      io.stdout(formatClose(result, { verbose: options.verbose === true }));
    });
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/**
 * A summary line, then each contract whose figures changed with its row changes; the contracts
 * that did not change only with `verbose` (a whole month holds thousands of contracts).
 */
export function formatRerate(result: RerateResult, options: { verbose: boolean } = { verbose: true }): string {
  const issued = result.contracts.filter((contract) => contract.issued).length;
  const unchanged = result.contracts.length - issued;
  const late = result.lateBilled > 0 ? `, ${result.lateBilled} late calls now billed` : '';
  const lines = [
    `re-rated ${result.month}: ${plural(result.calls, 'call')} of ${plural(result.contracts.length, 'contract')}${late}; ` +
      `${plural(issued, 'new revision')}, ${plural(unchanged, 'contract')} unchanged`,
  ];
  for (const [code, count] of Object.entries(result.unrated)) lines.push(`  no longer rateable: ${count} ${code} (left out of the totals)`);
  for (const contract of result.contracts) {
    if (!contract.issued) {
      if (!options.verbose) continue;
      const standing = contract.toRevision === null ? 'no revision issued' : `revision ${contract.toRevision} stands`;
      lines.push(`${contract.contractId} ${result.month}: no change (${standing})`);
      continue;
    }
    lines.push(`${contract.contractId} ${result.month}: revision ${contract.fromRevision ?? '-'} → ${contract.toRevision}`);
    for (const change of contract.changes) lines.push(formatRowChange(change));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A summary line; then the contracts issued a new revision over an earlier one (their figures
 * changed since it was issued); every contract with `verbose`.
 */
export function formatClose(result: CloseResult, options: { verbose: boolean }): string {
  if (result.alreadyClosed) return `${result.month} was already closed\n`;
  const issuedNow = result.statements.filter((statement) => statement.issued).length;
  const lines = [
    `closed ${result.month}: ${plural(result.statements.length, 'contract')}, ${plural(issuedNow, 'statement')} issued now, ` +
      `${result.statements.length - issuedNow} confirmed as issued`,
  ];
  for (const statement of result.statements) {
    const changed = statement.issued && statement.revision > 1;
    if (!options.verbose && !changed) continue;
    const note = !statement.issued ? 'confirmed' : changed ? `issued now: figures changed since revision ${statement.revision - 1}` : 'issued now';
    lines.push(`  ${statement.contractId}  revision ${statement.revision} (${note})`);
  }
  return `${lines.join('\n')}\n`;
}
