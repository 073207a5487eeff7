import { moduleWorker } from '../../threads/moduleWorker';
import type { IntegrityReport } from '../types';
import type { Db } from './connection';

/** What the integrity worker is given. */
export interface IntegrityJob {
  path: string;
  maxProblems: number;
}

/** What it answers: quick_check's lines, or why it could not run. */
export type IntegrityMessage =
  { type: 'done'; found: string[] } | { type: 'error'; code: string | null; message: string };

/** quick_check stops after this many problems: enough to say what is damaged. */
const MAX_PROBLEMS = 20;

/**
 * SQLite's quick_check of the store (pages, b-trees and records), for reconcile. On a store file
 * it runs on a read-only connection of its own in a worker thread (integrityWorker.ts), so a
 * month-wide reconcile sums the month's calls meanwhile on the other core; it checks the file as
 * it stands when the worker opens it. A store read into memory (a read-only file system), or a
 * file the worker cannot open read-only, is checked on this connection.
 */
export async function sqliteIntegrity(db: Db, path: string): Promise<IntegrityReport> {
  const found = await quickCheck(db, path);
  return {
    check: 'SQLite quick_check',
    soundMeans: 'pages, b-trees and records of the file are sound',
    whenDamaged:
      'the store file is damaged: restore it from a backup; the figures below are read from the damaged file',
    problems: found.length === 1 && found[0] === 'ok' ? [] : found,
  };
}

async function quickCheck(db: Db, path: string): Promise<string[]> {
  if (!db.memory) {
    const answer = await inWorker({ path, maxProblems: MAX_PROBLEMS });
    if (answer.type === 'done') return answer.found;
    // An SQLite fault (a damaged file): the check failed on reading the store, as on this connection.
    if (answer.code !== 'SQLITE_CANTOPEN' && answer.code !== 'SQLITE_READONLY')
      throw Object.assign(new Error(answer.message), answer.code === null ? {} : { code: answer.code });
  }
  return (db.pragma(`quick_check(${MAX_PROBLEMS})`) as { quick_check: unknown }[]).map((row) =>
    String(row.quick_check),
  );
}

function inWorker(job: IntegrityJob): Promise<IntegrityMessage> {
  return new Promise((resolve, reject) => {
    const worker = moduleWorker(__dirname, __filename, 'integrityWorker', job);
    let answer: IntegrityMessage | null = null;
    worker.once('message', (message: IntegrityMessage) => (answer = message));
    worker.once('error', reject);
    worker.once('exit', (exitCode) => {
      if (answer !== null) resolve(answer);
      else reject(new Error(`the integrity check's worker ended (exit code ${exitCode}) without an answer`));
    });
  });
}
