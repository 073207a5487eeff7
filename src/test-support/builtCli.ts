import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/**
 * `bin/meisai` runs the compiled `dist/`. A test that starts it as a real process calls
 * `buildCli()` first (in a beforeAll of 120 s): it compiles (`tsc -p tsconfig.build.json`) only
 * when the sources differ from those `dist/` was last compiled from here (their sha256 in
 * `dist/.sources.sha256`). So a jest run compiles at most once however many of these suites it
 * runs (each compile is ~10 s of CPU), and, with a lock, two workers never compile at the same
 * moment, one rewriting `dist/` while the other's child processes load it.
 */
export const PROJECT = resolve(__dirname, '..', '..');
export const MEISAI_BIN = join(PROJECT, 'bin', 'meisai');

const STAMP = join(PROJECT, 'dist', '.sources.sha256');
const LOCK = join(PROJECT, 'node_modules', '.cache', 'meisai-build.lock');
/** A lock older than this was left by a killed run: a compile takes well under a minute. */
const STALE_LOCK_MS = 180_000;

export function buildCli(): void {
  const sources = sourcesHash();
  if (stampedHash() === sources) return;
  withBuildLock(() => {
    // Another worker may have compiled these very sources while this one waited for the lock.
    if (stampedHash() === sources) return;
    rmSync(STAMP, { force: true });
    execFileSync(process.execPath, [
      join(PROJECT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(PROJECT, 'tsconfig.build.json'),
    ]);
    // The rest of `npm run build`: the schemas' validators, precompiled.
    execFileSync(process.execPath, [join(PROJECT, 'dist', 'reference', 'writeValidators.js')]);
    writeFileSync(STAMP, `${sources}\n`);
  });
}

/** What tsconfig.build.json compiles (src/ without tests, test support and bench), and both tsconfigs. */
function sourcesHash(): string {
  const files: string[] = [join(PROJECT, 'tsconfig.json'), join(PROJECT, 'tsconfig.build.json')];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!['test-support', 'bench'].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(join(PROJECT, 'src'));
  const hash = createHash('sha256');
  for (const file of files.sort())
    hash.update(`${relative(PROJECT, file).split(sep).join('/')}\0`).update(readFileSync(file));
  return hash.digest('hex');
}

function stampedHash(): string | undefined {
  try {
    return readFileSync(STAMP, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function withBuildLock(work: () => void): void {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released between the two calls: try again.
      }
      Atomics.wait(sleeper, 0, 0, 100);
    }
  }
  try {
    work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
