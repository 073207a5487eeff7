import { Command } from 'commander';
import { userInfo } from 'node:os';
import { ConfigurationError } from '../../errors';
import { loadReferenceData } from '../../reference/referenceData';
import { RemoveFileResult, removeFile } from '../../removal/removeFile';
import { formatRowChange } from '../../statement/diffStatements';
import { FileSelector } from '../../store/types';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { dbOption, Io, requireMatch, withWriterStore } from '../options';

interface RemoveOptions {
  name?: string;
  sha256?: string;
  reason: string;
  by?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  db?: string;
}

/** `meisai files remove`: takes back a delivery ingested by mistake (removal/removeFile.ts). */
export function registerFilesRemove(files: Command, io: Io): void {
  files
    .command('remove')
    .description(
      "Take one ingested file's effect back: its calls, rejects, duplicates and skips leave the store, the totals move with them; recorded in meisai files.",
    )
    .option('--name <name>', 'the file by the name it was ingested under (refused if several files have it)')
    .option('--sha256 <hex>', "the file by its content's sha256 (as meisai files lists it)")
    .requiredOption('--reason <text>', 'why (kept with the removal)')
    .option('--by <who>', 'who removes it (default: the login name)')
    .option('--force', 'remove a file with calls of a closed month (new revisions are issued where figures change)')
    .option('--dry-run', 'report what the removal would change; write nothing')
    .option('--json', 'print the result as one JSON object')
    .addOption(dbOption())
    .action(async (_options: RemoveOptions, command: Command) => {
      // `files` has --json and --db of its own: Commander gives them to it, wherever they stand.
      const options = command.optsWithGlobals<RemoveOptions>();
      const selector = fileSelector(options);
      const reason = options.reason.trim();
      if (reason === '') throw new ConfigurationError('--reason must say why the file is removed');
      const removedBy = (options.by ?? loginName()).trim();
      if (removedBy === '') throw new ConfigurationError('--by must name who removes the file');
      const reference = loadReferenceData();
      const request = {
        selector,
        reason,
        removedBy,
        force: options.force === true,
        dryRun: options.dryRun === true,
        removedAt: new Date().toISOString(),
      };
      const result = await withWriterStore(options.db, 'files remove', async (store) =>
        removeFile(store, await withStoredSubscriptions(store, reference), request),
      );
      io.stdout(options.json === true ? `${JSON.stringify(result)}\n` : formatRemoval(result));
    });
}

function fileSelector(options: RemoveOptions): FileSelector {
  if ((options.name === undefined) === (options.sha256 === undefined))
    throw new ConfigurationError('files remove needs one of --name NAME or --sha256 HEX');
  if (options.name !== undefined) return { name: options.name };
  return { sha256: requireMatch(options.sha256!.toLowerCase(), /^[0-9a-f]{64}$/, 'sha256', '64 hexadecimal digits') };
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/** A summary line, the promoted duplicates, and the revisions issued (with --force). */
export function formatRemoval(result: RemoveFileResult): string {
  const { removed } = result;
  const lines = [
    `${result.dryRun ? 'dry run, nothing written: would remove' : 'removed'} ${result.name} (sha256 ${result.sha256}): ` +
      `${plural(removed.calls, 'call')}, ${plural(removed.rejects, 'reject')}, ${plural(removed.duplicates, 'duplicate')}, ${plural(removed.skips, 'skip')}` +
      `${removed.recycled > 0 ? `, ${plural(removed.recycled, 'recycled row')}` : ''}; ${plural(removed.promoted, 'duplicate')} of other files promoted; ` +
      `totals of ${plural(result.contractMonths.length, 'contract-month')} changed`,
    `  by ${result.removedBy} at ${result.removedAt}: ${result.reason}`,
  ];
  for (const promoted of result.promoted)
    lines.push(`  promoted: ${promoted.recordId} now billed from ${promoted.fileName} line ${promoted.line}`);
  for (const recordId of result.undecided)
    lines.push(
      `  left as duplicates: ${recordId} (the file held it twice, or another file stores it too: which call each duplicate repeated cannot be told)`,
    );
  for (const revision of result.revisions) {
    if (!revision.issued) {
      lines.push(
        `${revision.contractId} ${revision.month}: no change (${revision.toRevision === null ? 'no revision issued' : `revision ${revision.toRevision} stands`})`,
      );
      continue;
    }
    lines.push(
      `${revision.contractId} ${revision.month}: revision ${revision.fromRevision ?? '-'} → ${revision.toRevision}`,
    );
    for (const change of revision.changes) lines.push(formatRowChange(change));
  }
  return `${lines.join('\n')}\n`;
}
