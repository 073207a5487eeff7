import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { postedError } from '../../threads/postedError';
import { doubleBilledCalls } from './doubleBilled';
import { readFileControls } from './fileControls';
import { quickCheckLines } from './integrity';
import type { StoreWideAnswer, StoreWideJob, StoreWideMessage } from './storeWide';

/**
 * reconcile's store-wide checks on a read-only connection of their own, in a worker thread
 * (storeWide.ts): quick_check walks every page of the file, the double-billing check reads three
 * months of keys, the file controls count every file's rows; the main thread sums the month's
 * calls meanwhile.
 */
const job = workerData as StoreWideJob;

function answer<T>(work: () => T): StoreWideAnswer<T> {
  try {
    return { value: work() };
  } catch (error) {
    return { error: postedError(error) };
  }
}

function run(): StoreWideMessage {
  let db: Database.Database;
  try {
    db = new Database(job.path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { type: 'unopened', code: typeof code === 'string' ? code : null, message: String(error) };
  }
  try {
    return {
      type: 'done',
      // Each check in one read: it sees a file's rows and counts whole, or not at all.
      doubleBilled: answer(() => db.transaction(() => doubleBilledCalls(db, job.month))()),
      fileControls: answer(() => readFileControls(db)),
      integrity: answer(() => quickCheckLines(db)),
    };
  } finally {
    db.close();
  }
}

parentPort!.postMessage(run());
