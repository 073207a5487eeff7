import { Command } from 'commander';
import { loadReferenceData } from '../../reference/referenceData';
import { CloseResult, closeMonth } from '../../rerate/closeMonth';
import Decimal from 'decimal.js';
import { ContractRerate, RerateResult, rerateMonth } from '../../rerate/rerateMonth';
import { formatMoney } from '../../statement/renderText';
import { formatRowChange } from '../../statement/diffStatements';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { contractOption, dbOption, Io, monthOption, withWriterStore } from '../options';
import { plural } from '../../text/plural';

export function registerRerate(program: Command, io: Io): void {
  program
    .command('rerate')
    .description(
      'Re-rate a month from the stored calls with the tariff and numbering files as they are now; issue a new revision where figures change.',
    )
    .requiredOption('--month <YYYY-MM>', 'month to re-rate (Japan time)', monthOption)
    .option('--contract <id>', 'only this contract', contractOption)
    .option('--reason <text>', 'why (kept with the new revision)', 're-rated')
    .option('--force', 're-rate a closed month (its statement changes; late calls are billed)')
    .option('--dry-run', 'report what the re-rate would change; write nothing')
    .option(
      '--verbose',
      `list every contract with its changed rows (by default, past ${SUMMARY_PAST} changed contracts, a summary and the largest changes)`,
    )
    .option('--json', 'print the changes as one JSON object (every contract)')
    .addOption(dbOption())
    .action(
      async (options: {
        month: string;
        contract?: string;
        reason: string;
        force?: boolean;
        dryRun?: boolean;
        verbose?: boolean;
        json?: boolean;
        db?: string;
      }) => {
        const reference = loadReferenceData();
        const request = {
          month: options.month,
          contractId: options.contract,
          reason: options.reason,
          force: options.force === true,
          dryRun: options.dryRun === true,
        };
        const result = await withWriterStore(options.db, 'rerate', async (store) =>
          rerateMonth(store, await withStoredSubscriptions(store, reference), request),
        );
        io.stdout(
          options.json
            ? `${JSON.stringify(result)}\n`
            : formatRerate(result, { verbose: options.verbose === true || options.contract !== undefined }),
        );
      },
    );

  program
    .command('close')
    .description(
      'Mark a month as invoiced: its statements are issued as they stand; later calls of it are stored as late.',
    )
    .requiredOption('--month <YYYY-MM>', 'month to close', monthOption)
    .option(
      '--allow-empty',
      'close a month that has no calls (refused otherwise, exit 1: most likely a typo of the month)',
    )
    .option('--verbose', 'list every contract and its revision')
    .addOption(dbOption())
    .action(async (options: { month: string; allowEmpty?: boolean; verbose?: boolean; db?: string }) => {
      const reference = loadReferenceData();
      const result = await withWriterStore(options.db, 'close', async (store) =>
        closeMonth(store, await withStoredSubscriptions(store, reference), options.month, {
          allowEmpty: options.allowEmpty === true,
        }),
      );
      io.stdout(formatClose(result, { verbose: options.verbose === true }));
    });
}

/** Past this many changed contracts, a re-rate prints a summary and the largest changes, not every row (`--verbose` for all). */
export const SUMMARY_PAST = 10;

/** A contract's all-number total charge before and after (from its row changes; unchanged: no total row). */
function totalCharge(contract: ContractRerate): [Decimal, Decimal] | null {
  const total = contract.changes.find((change) => change.scope === 'all' && change.row === 'total');
  return total === undefined ? null : [new Decimal(total.amount[0]), new Decimal(total.amount[1])];
}

function signedYen(amount: Decimal): string {
  return `${amount.isNegative() ? '' : '+'}${formatMoney(amount.toFixed())}`;
}

/**
 * A summary line, then each contract whose figures changed with its row changes; the contracts
 * that did not change only with `verbose` (a whole month holds thousands of contracts). Past
 * SUMMARY_PAST changed contracts, without `verbose`: the total charge of the changed contracts
 * before → after and the SUMMARY_PAST largest changes, instead of every row.
 */
export function formatRerate(result: RerateResult, options: { verbose: boolean } = { verbose: true }): string {
  const issued = result.contracts.filter((contract) => contract.issued).length;
  const unchanged = result.contracts.length - issued;
  const late = result.lateBilled > 0 ? `, ${plural(result.lateBilled, 'late call')} now billed` : '';
  const lines = [
    `${result.dryRun ? 'dry run, nothing written: would re-rate' : 're-rated'} ${result.month}: ${plural(result.calls, 'call')} of ${plural(result.contracts.length, 'contract')}${late}; ` +
      `${plural(issued, 'new revision')}, ${plural(unchanged, 'contract')} unchanged`,
  ];
  for (const [code, count] of Object.entries(result.unrated))
    lines.push(`  no longer rateable: ${count} ${code} (left out of the totals)`);
  if (!options.verbose && issued > SUMMARY_PAST) return `${[...lines, ...largestChanges(result)].join('\n')}\n`;
  for (const contract of result.contracts) {
    if (!contract.issued) {
      if (!options.verbose) continue;
      const standing = contract.toRevision === null ? 'no revision issued' : `revision ${contract.toRevision} stands`;
      lines.push(`${contract.contractId} ${result.month}: no change (${standing})`);
      continue;
    }
    lines.push(
      `${contract.contractId} ${result.month}: revision ${contract.fromRevision ?? '-'} → ${contract.toRevision}`,
    );
    for (const change of contract.changes) lines.push(formatRowChange(change));
  }
  return `${lines.join('\n')}\n`;
}

/** The total charge of the changed contracts before → after, and the SUMMARY_PAST largest changes by amount. */
function largestChanges(result: RerateResult): string[] {
  let before = new Decimal(0);
  let after = new Decimal(0);
  const changed: { contract: ContractRerate; delta: Decimal; charge: [Decimal, Decimal] | null }[] = [];
  for (const contract of result.contracts) {
    if (!contract.issued) continue;
    const charge = totalCharge(contract);
    if (charge !== null) {
      before = before.plus(charge[0]);
      after = after.plus(charge[1]);
    }
    changed.push({ contract, delta: charge === null ? new Decimal(0) : charge[1].minus(charge[0]), charge });
  }
  changed.sort(
    (left, right) =>
      right.delta.abs().comparedTo(left.delta.abs()) || (left.contract.contractId < right.contract.contractId ? -1 : 1),
  );
  const lines = [
    `total charge of the changed contracts: ${formatMoney(before.toFixed())} → ${formatMoney(after.toFixed())} yen (${signedYen(after.minus(before))})`,
    `largest changes (${SUMMARY_PAST} of ${changed.length}; every contract with --verbose or --json):`,
  ];
  for (const { contract, delta, charge } of changed.slice(0, SUMMARY_PAST)) {
    const figures =
      charge === null
        ? 'charge unchanged'
        : `charge ${formatMoney(charge[0].toFixed())} → ${formatMoney(charge[1].toFixed())} (${signedYen(delta)})`;
    lines.push(
      `  ${contract.contractId} ${result.month}: revision ${contract.fromRevision ?? '-'} → ${contract.toRevision}, ${figures}`,
    );
  }
  return lines;
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
    const note = !statement.issued
      ? 'confirmed'
      : changed
        ? `issued now: figures changed since revision ${statement.revision - 1}`
        : 'issued now';
    lines.push(`  ${statement.contractId}  revision ${statement.revision} (${note})`);
  }
  return `${lines.join('\n')}\n`;
}
