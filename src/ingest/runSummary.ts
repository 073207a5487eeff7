import { RejectCode, REJECT_CODES } from '../input/rejection';
import { FileSummary } from './ingestFile';

/** The control totals of one ingest run (spec §7): read = accepted + rejected + duplicates + skipped. */
export interface RunSummary {
  files: number;
  alreadyIngested: number;
  failed: number;
  read: number;
  accepted: number;
  rejected: Partial<Record<RejectCode, number>>;
  duplicates: number;
  /** Records an input profile counts as not calls (unanswered, internal legs), by reason. */
  skipped: Record<string, number>;
  /** Accepted calls of closed months, held back from the statements until re-rated with --force. */
  late: number;
}

export function summariseRun(files: FileSummary[], failed: number): RunSummary {
  const rejected: Partial<Record<RejectCode, number>> = {};
  for (const code of REJECT_CODES) {
    const count = files.reduce((sum, file) => sum + (file.rejected[code] ?? 0), 0);
    if (count > 0) rejected[code] = count;
  }
  return {
    files: files.length,
    alreadyIngested: files.filter((file) => file.alreadyIngested).length,
    failed,
    read: files.reduce((sum, file) => sum + file.read, 0),
    accepted: files.reduce((sum, file) => sum + file.accepted, 0),
    rejected,
    duplicates: files.reduce((sum, file) => sum + file.duplicates, 0),
    skipped: skippedByReason(files),
    late: files.reduce((sum, file) => sum + file.late, 0),
  };
}

function skippedByReason(files: FileSummary[]): Record<string, number> {
  const skipped: Record<string, number> = {};
  for (const reason of [...new Set(files.flatMap((file) => Object.keys(file.skipped)))].sort()) {
    skipped[reason] = files.reduce((sum, file) => sum + (file.skipped[reason] ?? 0), 0);
  }
  return skipped;
}

export function skippedTotal(summary: Pick<RunSummary, 'skipped'>): number {
  return Object.values(summary.skipped).reduce((sum, count) => sum + count, 0);
}

export function rejectedTotal(summary: Pick<RunSummary, 'rejected'>): number {
  return Object.values(summary.rejected).reduce((sum, count) => sum + count, 0);
}

/** The summary for a person at a terminal: aligned, one line per figure and per reject reason. */
export function formatRunSummary(summary: RunSummary): string {
  const lines = [
    `files       ${summary.files}${summary.alreadyIngested > 0 ? ` (${summary.alreadyIngested} already ingested, skipped)` : ''}${summary.failed > 0 ? `, ${summary.failed} refused` : ''}`,
    `read        ${summary.read}`,
    `accepted    ${summary.accepted}`,
    `rejected    ${rejectedTotal(summary)}`,
    ...Object.entries(summary.rejected).map(([code, count]) => `  ${code.padEnd(16)}${count}`),
    `duplicates  ${summary.duplicates}`,
    `skipped     ${skippedTotal(summary)}`,
    ...Object.entries(summary.skipped).map(([reason, count]) => `  ${reason.padEnd(16)}${count}`),
    ...(summary.late > 0
      ? [`late        ${summary.late} (calls of closed months: stored, not billed until rerate --force)`]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
