import { Command, Option } from 'commander';
import { RejectCode } from '../../input/rejection';
import { RECYCLABLE_CODES } from '../../recycle/recyclable';
import { RecycleResult, recycleRejects } from '../../recycle/recycleRejects';
import { loadReferenceData } from '../../reference/referenceData';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { dbOption, Io, monthOption, withWriterStore } from '../options';

export function registerRecycle(program: Command, io: Io): void {
  program
    .command('recycle')
    .description(
      'Re-process stored rejects whose cause was data (a missing tariff or subscription, a numbering fix) with the data as it is now.',
    )
    .addOption(
      new Option('--code <code...>', 'only rejects of these codes (default: all three)').choices([...RECYCLABLE_CODES]),
    )
    .option('--month <YYYY-MM>', 'only records whose call starts in this month (Japan time)', monthOption)
    .option('--verbose', 'list every recycled record')
    .option('--json', 'print the result as one JSON object')
    .addOption(dbOption())
    .action(
      async (options: { code?: RejectCode[]; month?: string; verbose?: boolean; json?: boolean; db?: string }) => {
        const reference = loadReferenceData();
        const codes = options.code ?? [...RECYCLABLE_CODES];
        const result = await withWriterStore(options.db, 'recycle', async (store) =>
          recycleRejects(store, await withStoredSubscriptions(store, reference), {
            codes,
            ...(options.month === undefined ? {} : { month: options.month }),
          }),
        );
        io.stdout(
          options.json === true ? `${JSON.stringify(result)}\n` : recycleText(result, options.verbose === true),
        );
      },
    );
}

function recycleText(result: RecycleResult, verbose: boolean): string {
  const late = result.recycled.filter((record) => record.late).length;
  const still = Object.entries(result.stillRejected)
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([code, count]) => `${code} ${count}`);
  const lines = [
    `recycled ${result.recycled.length} of ${result.considered} ${result.considered === 1 ? 'reject' : 'rejects'}${late === 0 ? '' : ` (${late} late: their months are closed; rerate --force bills them)`}; ` +
      `still rejected: ${still.length === 0 ? 'none' : still.join(', ')}; already billed from another delivery: ${result.alreadyBilled.length}`,
  ];
  if (result.withoutRecord > 0) {
    const one = result.withoutRecord === 1;
    lines.push(
      `${result.withoutRecord} ${one ? 'reject was' : 'rejects were'} stored without ${one ? 'its' : 'their'} record ` +
        `(before store version 4, or an outbound call without a number ingested before meisai kept those): recycle cannot read ${one ? 'it' : 'them'} again; ` +
        'correct and re-deliver (meisai rejects lists them)',
    );
  }
  for (const billed of result.alreadyBilled)
    lines.push(
      `  ${billed.fileName} line ${billed.line}: rates now, but is billed already (${billed.billedIn}); left rejected`,
    );
  if (verbose) {
    for (const record of result.recycled)
      lines.push(
        `  ${record.fileName} line ${record.line} ${record.recordId}: ${record.formerCode} → accepted into ${record.month}${record.late ? ' (late)' : ''}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
