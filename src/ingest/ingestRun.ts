import { basename } from 'node:path';
import { RunFailedError, StoreRaceError } from '../errors';
import { ReferenceData } from '../reference/referenceData';
import { InputProfile } from '../input/profile';
import { Store } from '../store/types';
import { FileSummary, ingestFile, IngestOptions } from './ingestFile';

export interface IngestRun {
  summaries: FileSummary[];
  /** Files refused (nothing of each applied), one message each. */
  failures: string[];
  /**
   * What stopped the run at a file (the store failed: a full disk, an I/O error): that file was
   * rolled back, the files before it stay applied (their summaries are above), none after is tried.
   */
  stoppedBy?: unknown;
}

export interface IngestRunEvents {
  applied?(summary: FileSummary): void;
  refused?(path: string, message: string): void;
  /** The file lost a race with another worker (nothing of it applied) and is applied again. */
  raced?(path: string, message: string): void;
}

/**
 * Applies files one after another, each in its own transaction; a refused file does not stop the
 * others. A file another worker is reading (PostgreSQL, several `ingest --inbox` at once), or next
 * to one it is reading, is left for a later pass; at the end the files still held are waited for:
 * by then they are usually applied and skipped by their content hash, and if that worker died,
 * this one applies them. No file is applied twice or lost.
 */
export async function ingestFiles(
  store: Store,
  reference: ReferenceData,
  paths: string[],
  options: IngestOptions,
  /** The input profile of each file (none: the canonical CSV). */
  profileFor: (path: string) => InputProfile | undefined = () => undefined,
  events: IngestRunEvents = {},
): Promise<IngestRun> {
  const run: IngestRun = { summaries: [], failures: [] };
  const heldElsewhere: string[] = [];
  const ingestClaimed = async (path: string, wait: boolean): Promise<boolean> => {
    const claim = await store.claimFile(basename(path), { wait });
    if (claim === null) return false;
    try {
      const summary = await ingestRacing(store, reference, path, { ...options, profile: profileFor(path) }, events);
      run.summaries.push(summary);
      events.applied?.(summary);
    } catch (error) {
      if (!(error instanceof RunFailedError)) {
        run.stoppedBy = error;
        return true;
      }
      run.failures.push(error.message);
      events.refused?.(path, error.message);
    } finally {
      await claim.release();
    }
    return true;
  };
  // A file next to one another worker is applying (in the order given: an inbox's name order)
  // likely holds records re-sent from it: applied at once, one of the two would wait for the
  // other's commit at their shared record_ids. It is left for a later pass, while files apart
  // are applied side by side.
  const neighbours = (index: number): string[] =>
    [paths[index - 1], paths[index + 1]]
      .filter((path): path is string => path !== undefined)
      .map((path) => basename(path));
  let left = paths.map((path, index) => ({ path, index }));
  for (;;) {
    const next: typeof left = [];
    for (const file of left) {
      if ((await store.claimedElsewhere(neighbours(file.index))) || !(await ingestClaimed(file.path, false)))
        next.push(file);
      if (run.stoppedBy !== undefined) return run;
    }
    if (next.length === left.length) break;
    left = next;
  }
  for (const file of left) heldElsewhere.push(file.path);
  for (const path of heldElsewhere) {
    await ingestClaimed(path, true);
    if (run.stoppedBy !== undefined) return run;
  }
  return run;
}

/** Times a file that lost a race with another worker (PostgreSQL) is applied again. */
const RACE_RETRIES = 20;

/**
 * One file; when it lost a race with a concurrent worker (StoreRaceError: a record_id it shares
 * with a file applied at the same moment, a deadlock, its month closed meanwhile), nothing of
 * it was applied: it is applied again, and then sees what the other worker committed.
 */
async function ingestRacing(
  store: Store,
  reference: ReferenceData,
  path: string,
  options: IngestOptions,
  events: IngestRunEvents,
): Promise<FileSummary> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ingestFile(store, reference, path, options);
    } catch (error) {
      if (!(error instanceof StoreRaceError) || attempt >= RACE_RETRIES) throw error;
      events.raced?.(path, error.message);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * attempt) * Math.random()));
    }
  }
}
