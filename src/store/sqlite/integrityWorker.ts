import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { IntegrityJob, IntegrityMessage } from './integrity';

/**
 * SQLite's quick_check of the store file on a connection of its own, in a worker thread: the
 * check walks every page of the file in SQLite's C code, so the main thread sums the month's calls
 * meanwhile.
 */
const job = workerData as IntegrityJob;

function check(): IntegrityMessage {
  try {
    const db = new Database(job.path, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      const rows = db.pragma(`quick_check(${job.maxProblems})`) as { quick_check: unknown }[];
      return { type: 'done', found: rows.map((row) => String(row.quick_check)) };
    } finally {
      db.close();
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      type: 'error',
      code: typeof code === 'string' ? code : null,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

parentPort!.postMessage(check());
