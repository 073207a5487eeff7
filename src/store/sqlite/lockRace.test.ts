import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDR_HEADER } from '../../test-support/tempStore';
import { buildCli, MEISAI_BIN } from '../../test-support/builtCli';

/**
 * Many runs started at once against one stale lock (real `bin/meisai` processes): exactly one
 * takes it over, every other exits 3. MEISAI_TEST_LOCK_BARRIER holds each run just before its
 * takeover until all of them have seen the stale lock, so the race happens on every run.
 */
const RUNS = 8;

let directory: string;
beforeAll(() => {
  buildCli();
}, 120_000);
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'meisai-lock-race-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((done) => child.on('exit', (code) => done(code ?? -1)));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 20));
  }
}

test(`${RUNS} runs started at once against a stale lock: exactly one takes it over, the others exit 3`, async () => {
  const dbPath = join(directory, 'meisai.sqlite');
  const barrier = join(directory, 'barrier');
  mkdirSync(barrier);
  // The winner ingests 20,000 calls, so it still holds the lock when the others look.
  const rows = Array.from(
    { length: 20_000 },
    (_, index) => `R${String(index).padStart(6, '0')},N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60`,
  );
  const input = join(directory, 'day.csv');
  writeFileSync(input, `${[CDR_HEADER, ...rows].join('\n')}\n`);
  const finished = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  writeFileSync(
    `${dbPath}.lock`,
    JSON.stringify({
      pid: finished.pid,
      hostname: hostname(),
      startedAt: '2011-04-01T00:00:00.000Z',
      command: 'ingest',
    }),
  );

  const stderr: string[] = Array(RUNS).fill('');
  const children = Array.from({ length: RUNS }, (_, index) => {
    const child = spawn(process.execPath, [MEISAI_BIN, 'ingest', input, '--db', dbPath], {
      env: { ...process.env, MEISAI_TEST_LOCK_BARRIER: barrier, MEISAI_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr[index] += chunk.toString()));
    return child;
  });
  const exits = children.map(exitOf);
  // Every run has seen the stale lock and waits just before taking it over: then all go at once.
  await waitFor(() => readdirSync(barrier).filter((name) => name.startsWith('ready.')).length === RUNS, 90_000);
  writeFileSync(join(barrier, 'go'), '');
  const codes = await Promise.all(exits);

  expect(codes.filter((code) => code === 0)).toHaveLength(1);
  expect(codes.filter((code) => code === 3)).toHaveLength(RUNS - 1);
  for (const [index, code] of codes.entries()) {
    if (code === 3) expect(stderr[index]).toContain("another meisai run holds the store's lock");
  }
  expect(existsSync(`${dbPath}.lock`)).toBe(false);
}, 120_000);
