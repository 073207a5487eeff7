import { FileControls } from '../store/types';
import { Detail, difference, information } from './report';

/**
 * A file's control totals as the files table keeps them, beside the rows that stand behind them.
 * Calls stay with the file that brought them (a re-rate changes their figures, never their file),
 * and late or unrated calls are still accepted records of their file.
 */
export type { FileControls } from '../store/types';

export function checkFileControls(files: FileControls[]): Detail[] {
  const details: Detail[] = [];
  let recordsRead = 0;
  let recycled = 0;
  let skipped = 0;
  for (const file of files) {
    recordsRead += file.recordsRead;
    recycled += file.recycled;
    skipped += file.skipped;
    const label = `file ${file.fileId} (${file.name})`;
    const bucketSum = file.accepted + file.rejected + file.duplicates + file.skipped;
    if (bucketSum !== file.recordsRead) {
      details.push(
        difference(
          `${label}: records_read ${file.recordsRead} but accepted ${file.accepted} + rejected ${file.rejected} + duplicates ${file.duplicates} + skipped ${file.skipped} = ${bucketSum}`,
        ),
      );
    }
    const buckets: [string, number, string, number][] = [
      ['accepted', file.accepted, 'calls', file.callRows],
      ['rejected', file.rejected, 'rejects', file.rejectRows],
      ['duplicates', file.duplicates, 'duplicates', file.duplicateRows],
      ['recycled', file.recycled, 'recycled', file.recycledRows],
      ['skipped', file.skipped, 'skips', file.skipRows],
    ];
    for (const [column, count, table, rows] of buckets) {
      if (count !== rows)
        details.push(difference(`${label}: ${column} ${count} but the ${table} table holds ${rows} rows of the file`));
    }
  }
  const plural = files.length === 1 ? '' : 's';
  const recycledText = recycled === 0 ? '' : ` (${recycled} rejects recycled since, among accepted)`;
  const skippedText = skipped === 0 ? '' : ` (${skipped} skipped as not calls)`;
  details.unshift(
    information(
      `${files.length} file${plural}, ${recordsRead} records read${skippedText}${recycledText}, each file's read = accepted + rejected + duplicates + skipped checked against its rows`,
    ),
  );
  return details;
}
