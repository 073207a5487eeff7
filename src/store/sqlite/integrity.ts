import type { IntegrityReport } from '../types';
import type { Db } from './connection';

/** quick_check stops after this many problems: enough to say what is damaged. */
const MAX_PROBLEMS = 20;

/** SQLite's quick_check of the store on this connection (pages, b-trees and records): its lines. */
export function quickCheckLines(db: Db): string[] {
  return (db.pragma(`quick_check(${MAX_PROBLEMS})`) as { quick_check: unknown }[]).map((row) =>
    String(row.quick_check),
  );
}

/** quick_check's lines as reconcile's integrity report. */
export function integrityReport(found: string[]): IntegrityReport {
  return {
    check: 'SQLite quick_check',
    soundMeans: 'pages, b-trees and records of the file are sound',
    whenDamaged:
      'the store file is damaged: restore it from a backup; the figures below are read from the damaged file',
    problems: found.length === 1 && found[0] === 'ok' ? [] : found,
  };
}
