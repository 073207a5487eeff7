import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { LockedError } from '../errors';

export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
}

export interface HeldLock {
  path: string;
  /** True when a lock left by a process that no longer runs was taken over. */
  tookOverFrom: LockOwner | null;
  release(): void;
}

/**
 * One writer at a time per store: a lock file beside the database, created atomically with its
 * owner inside (written to a private file, then hard-linked into place, which fails if a lock
 * exists). A lock whose owner process is gone (killed, crashed) on this host is stale and is
 * taken over; a live owner makes this run stop with exit code 3.
 */
export function acquireLock(dbPath: string, command: string): HeldLock {
  const path = `${dbPath}.lock`;
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command };
  const privatePath = `${path}.${process.pid}`;
  writeFileSync(privatePath, `${JSON.stringify(owner)}\n`);
  let tookOverFrom: LockOwner | null = null;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(privatePath, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      const holder = readOwner(path);
      if (holder !== null && isAlive(holder)) {
        throw new LockedError(
          `another meisai run holds the store's lock ${path} (pid ${holder.pid} on ${holder.hostname}, ${holder.command}, since ${holder.startedAt})`,
        );
      }
      tookOverFrom = holder ?? { pid: 0, hostname: 'unknown', startedAt: 'unknown', command: 'unreadable lock' };
      removeIfSame(path, holder);
    }
  } finally {
    unlinkSync(privatePath);
  }
  let released = false;
  return {
    path,
    tookOverFrom,
    release() {
      if (released) return;
      released = true;
      const holder = readOwner(path);
      if (holder !== null && holder.pid === process.pid && holder.hostname === owner.hostname) unlinkSync(path);
    },
  };
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.hostname === 'string' ? owner : null;
  } catch {
    return null;
  }
}

/** A holder on another host cannot be checked from here, so it counts as alive. */
function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the stale lock unless another run took it over meanwhile. */
function removeIfSame(path: string, staleOwner: LockOwner | null): void {
  const current = readOwner(path);
  if (current !== null && staleOwner !== null && (current.pid !== staleOwner.pid || current.startedAt !== staleOwner.startedAt)) return;
  waitAtTestBarrier();
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 30_000 && !existsSync(join(barrier, 'go')); waited += 5) Atomics.wait(sleeper, 0, 0, 5);
}
