import { existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockedError, StoreConfigurationError } from '../../errors';
import { lockFileError } from '../storeErrors';

export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
}

export type StaleReason = 'its process is gone' | 'its pid now belongs to a process started after the lock';

export interface HeldLock {
  path: string;
  /** The owner of a stale lock that was taken over (its process gone, or its pid now another process's). */
  tookOverFrom: LockOwner | null;
  /** Why that lock was stale, for the log line. */
  staleBecause: StaleReason | null;
  release(): void;
}

/** How long a run keeps trying while other runs are taking over a stale lock. */
const TAKEOVER_PATIENCE_MS = 10_000;
/** A takeover guard older than this whose owner is gone was left by a run killed mid-takeover. */
const DEAD_GUARD_AGE_MS = 2_000;

/**
 * One writer at a time per store: a lock file beside the database, created atomically with its
 * owner inside (written to a private file, then hard-linked into place, which fails if a lock
 * exists). A lock whose owner process is gone (killed, crashed) on this host is stale and is
 * taken over, as is one whose pid another process has taken since (it started after the lock was
 * written); a live owner makes this run stop with exit code 3.
 *
 * The takeover is atomic: only the run holding the takeover guard (`<lock>.takeover`, created
 * exclusively) may remove a lock, and only if the lock still holds, byte for byte, the stale
 * owner it judged dead; the new lock is then hard-linked into place exclusively again. Many runs
 * starting at once against one stale lock: exactly one gets it, the others see a live owner.
 */
export function acquireLock(dbPath: string, command: string): HeldLock {
  const path = `${dbPath}.lock`;
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command };
  const privatePath = `${path}.${process.pid}`;
  try {
    writeFileSync(privatePath, `${JSON.stringify(owner)}\n`);
  } catch (error) {
    throw lockFileError(error, dbPath, path);
  }
  let tookOverFrom: LockOwner | null = null;
  let staleBecause: StaleReason | null = null;
  try {
    const giveUpAt = Date.now() + TAKEOVER_PATIENCE_MS;
    for (;;) {
      if (linkExclusive(privatePath, path, dbPath)) break;
      const seen = readLock(path, dbPath);
      if (seen === null) {
        if (Date.now() > giveUpAt) throw new LockedError(`the store's lock ${path} keeps changing; try again`);
        continue; // released meanwhile: try again
      }
      const holder = parseOwner(seen);
      if (holder !== null && isAlive(holder) && !pidReused(holder)) {
        throw new LockedError(
          `another meisai run holds the store's lock ${path} (pid ${holder.pid} on ${holder.hostname}, ${holder.command}, since ${holder.startedAt})`,
        );
      }
      waitAtTestBarrier();
      const outcome = takeOver(path, seen, privatePath, dbPath);
      if (outcome === 'taken') {
        tookOverFrom = holder ?? { pid: 0, hostname: 'unknown', startedAt: 'unknown', command: 'unreadable lock' };
        staleBecause =
          holder !== null && isAlive(holder)
            ? 'its pid now belongs to a process started after the lock'
            : 'its process is gone';
        break;
      }
      if (Date.now() > giveUpAt)
        throw new LockedError(`another meisai run is taking over the store's stale lock ${path}; try again`);
      if (outcome === 'busy') sleep(5);
    }
  } finally {
    try {
      unlinkSync(privatePath);
    } catch {
      // already gone: nothing to clean
    }
  }
  let released = false;
  return {
    path,
    tookOverFrom,
    staleBecause,
    release() {
      if (released) return;
      released = true;
      const holder = parseOwner(readRaw(path));
      if (
        holder !== null &&
        holder.pid === process.pid &&
        holder.hostname === owner.hostname &&
        holder.startedAt === owner.startedAt
      ) {
        unlinkSync(path);
      }
    },
  };
}

function linkExclusive(privatePath: string, path: string, dbPath: string): boolean {
  try {
    linkSync(privatePath, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockFileError(error, dbPath, path);
  }
}

/**
 * Replaces the stale lock whose content was `staleContent` by ours, under the takeover guard:
 * 'taken' (ours is in place), 'busy' (another run is taking over right now), 'changed' (the lock
 * is no longer that stale one: look again).
 */
function takeOver(
  path: string,
  staleContent: string,
  privatePath: string,
  dbPath: string,
): 'taken' | 'busy' | 'changed' {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, `${JSON.stringify({ pid: process.pid, hostname: hostname() })}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockFileError(error, dbPath, guard);
    removeDeadGuard(guard);
    return 'busy';
  }
  try {
    if (readRaw(path) !== staleContent) return 'changed';
    unlinkSync(path);
    return linkExclusive(privatePath, path, dbPath) ? 'taken' : 'changed';
  } finally {
    unlinkSync(guard);
  }
}

/** A guard left by a run killed in the middle of a takeover (its owner gone, the guard old): moved away. */
function removeDeadGuard(guard: string): void {
  const content = readRaw(guard);
  if (content === null) return;
  const guardOwner = parseOwner(content, false);
  let age: number;
  try {
    age = Date.now() - statSync(guard).mtimeMs;
  } catch {
    return;
  }
  if (age < DEAD_GUARD_AGE_MS || (guardOwner !== null && isAlive(guardOwner))) return;
  const grave = `${guard}.dead.${process.pid}`;
  try {
    renameSync(guard, grave);
    unlinkSync(grave);
  } catch {
    // another run moved it first
  }
}

/** The lock's content; null when there is no lock (any more). */
function readLock(path: string, dbPath: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StoreConfigurationError(
      `cannot read the lock ${path} of the store ${dbPath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function readRaw(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function parseOwner(content: string | null, needsStart = true): LockOwner | null {
  if (content === null) return null;
  try {
    const owner = JSON.parse(content) as LockOwner;
    return typeof owner.pid === 'number' &&
      typeof owner.hostname === 'string' &&
      (!needsStart || typeof owner.startedAt === 'string')
      ? owner
      : null;
  } catch {
    return null;
  }
}

/** A holder on another host cannot be checked from here, so it counts as alive. */
function isAlive(owner: Pick<LockOwner, 'pid' | 'hostname'>): boolean {
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux reports process start times in clock ticks of USER_HZ, 100 on every architecture Node runs on. */
const USER_HZ = 100;
/**
 * The lock is written a moment after its process started; /proc/stat's boot time is in whole
 * seconds and moves when the clock is stepped. A minute of slack keeps a live owner from ever being
 * judged a newcomer; a pid handed on within a minute of the lock is still waited for (exit 3).
 */
const START_SLACK_MS = 60_000;

/**
 * A live pid on this host that started after the lock was written is not the lock's owner: the
 * owner died and the pid was handed to another process since (a reboot, a busy host). Judged by
 * the process start time in /proc/PID/stat (field 22, ticks since boot) and the boot time in
 * /proc/stat; where /proc cannot tell (not Linux), the pid counts as the owner.
 */
function pidReused(owner: LockOwner): boolean {
  if (owner.hostname !== hostname() || owner.pid === process.pid) return false;
  const lockedAtMs = Date.parse(owner.startedAt);
  const startedMs = processStartMs(owner.pid);
  return Number.isFinite(lockedAtMs) && startedMs !== null && startedMs > lockedAtMs + START_SLACK_MS;
}

/** When the process started (ms since the epoch), or null where /proc does not say. */
export function processStartMs(pid: number): number | null {
  const stat = readRaw(`/proc/${pid}/stat`);
  const bootLine = /^btime (\d+)$/m.exec(readRaw('/proc/stat') ?? '');
  if (stat === null || bootLine === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = fields[19]; // field 22 of the line: 22 - 3
  if (startTicks === undefined || !/^\d+$/.test(startTicks)) return null;
  return Number.parseInt(bootLine[1]!, 10) * 1000 + (Number.parseInt(startTicks, 10) * 1000) / USER_HZ;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Test hook, for the race of many runs taking over one stale lock: with MEISAI_TEST_LOCK_BARRIER=DIR,
 * a run that found a stale lock writes DIR/ready.PID and waits (up to 30 s) for DIR/go before it
 * takes the lock over, so that every run of the test has seen the stale lock first.
 */
function waitAtTestBarrier(): void {
  const barrier = process.env.MEISAI_TEST_LOCK_BARRIER;
  if (barrier === undefined || barrier === '') return;
  writeFileSync(join(barrier, `ready.${process.pid}`), '');
  for (let waited = 0; waited < 30_000 && !existsSync(join(barrier, 'go')); waited += 5) sleep(5);
}
