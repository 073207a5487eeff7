import { moduleWorker } from '../../threads/moduleWorker';
import { PostedError, rebuiltError } from '../../threads/postedError';
import { handled } from '../handled';
import type { DoubleBilled, FileControls, ReadableRows, StoreWideChecks } from '../types';
import type { Db } from './connection';
import { doubleBilledCalls } from './doubleBilled';
import { readFileControls } from './fileControls';
import { integrityReport, quickCheckLines } from './integrity';

/** What the store-wide worker is given. */
export interface StoreWideJob {
  path: string;
  month: string;
}

/** One check's answer from the worker: its value, or the error it ended with. */
export type StoreWideAnswer<T> = { value: T } | { error: PostedError };

/** What the worker answers: each check's answer, or why it could not open the store. */
export type StoreWideMessage =
  | {
      type: 'done';
      integrity: StoreWideAnswer<string[]>;
      doubleBilled: StoreWideAnswer<DoubleBilled[]>;
      fileControls: StoreWideAnswer<ReadableRows<FileControls[]>>;
    }
  | { type: 'unopened'; code: string | null; message: string };

/**
 * reconcile's store-wide checks (quick_check, record_ids billed twice, file controls) on a store
 * file: on a read-only connection of their own in a worker thread (storeWideWorker.ts), so a
 * month-wide reconcile sums the month's calls on the other core meanwhile. Each check runs on the
 * store as committed when it runs, in one read. A store read into memory (a read-only file
 * system), or a file the worker cannot open read-only, is checked on this connection, in its
 * transaction.
 */
export function sqliteStoreWideChecks(db: Db, path: string, month: string): StoreWideChecks {
  const inThread = (): StoreWideChecks => ({
    integrity: settled(() => integrityReport(quickCheckLines(db))),
    doubleBilled: settled(() => doubleBilledCalls(db, month)),
    fileControls: settled(() => readFileControls(db)),
  });
  if (db.memory) return inThread();
  const answered = inWorker({ path, month }).then((message) => (message.type === 'done' ? message : unopened(message)));
  // Each check's promise settles with the worker's answer, or (the store unopened there) with this connection's.
  let local: StoreWideChecks | undefined;
  const fallback = (): StoreWideChecks => (local ??= inThread());
  return {
    integrity: handled(
      answered.then((message) =>
        message === null ? fallback().integrity : valueOf(message.integrity).then(integrityReport),
      ),
    ),
    doubleBilled: handled(
      answered.then((message) => (message === null ? fallback().doubleBilled : valueOf(message.doubleBilled))),
    ),
    fileControls: handled(
      answered.then((message) => (message === null ? fallback().fileControls : valueOf(message.fileControls))),
    ),
  };
}

/** null when the worker could not open the store read-only (the checks then run on this connection); other faults are the checks' own. */
function unopened(message: Extract<StoreWideMessage, { type: 'unopened' }>): null {
  if (message.code === 'SQLITE_CANTOPEN' || message.code === 'SQLITE_READONLY') return null;
  throw Object.assign(new Error(message.message), message.code === null ? {} : { code: message.code });
}

/** A worker's answer as the value or the error the check would have given on this connection. */
function valueOf<T>(answer: StoreWideAnswer<T>): Promise<T> {
  return 'value' in answer ? Promise.resolve(answer.value) : Promise.reject(rebuiltError(answer.error));
}

function settled<T>(work: () => T): Promise<T> {
  try {
    return handled(Promise.resolve(work()));
  } catch (error) {
    return handled(Promise.reject(error as Error));
  }
}

function inWorker(job: StoreWideJob): Promise<StoreWideMessage> {
  return new Promise((resolve, reject) => {
    const worker = moduleWorker(__dirname, __filename, 'storeWideWorker', job);
    let answer: StoreWideMessage | null = null;
    worker.once('message', (message: StoreWideMessage) => (answer = message));
    worker.once('error', reject);
    worker.once('exit', (exitCode) => {
      if (answer !== null) resolve(answer);
      else reject(new Error(`reconcile's store-wide worker ended (exit code ${exitCode}) without an answer`));
    });
  });
}
