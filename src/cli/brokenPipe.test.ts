import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/sqlite/connection';
import { runCli } from '../test-support/runCli';
import { buildCli, MEISAI_BIN, PROJECT } from '../test-support/builtCli';

/**
 * `meisai … | head -3`: real processes whose stdout is a pipe the reader closes early. The run
 * must end quietly (exit 0, no `Error: write EPIPE`, no stack on stderr), and a writer's work
 * must stand: `close` commits before it prints.
 */
const SEED = join(PROJECT, 'fixtures', 'seed-2011-04.csv');

let directory: string;
let dbPath: string;

beforeAll(async () => {
  buildCli();
  directory = mkdtempSync(join(tmpdir(), 'meisai-pipe-'));
  dbPath = join(directory, 'meisai.sqlite');
  expect((await runCli(['ingest', SEED, '--db', dbPath])).code).toBe(0);
}, 120_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface PipedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdoutBytes: number;
  stderr: string;
}

/**
 * Runs `meisai ARGS…` with stdout a pipe whose reader stops after `readBytes` bytes (0: the
 * reader is gone before the first write, as with `| head -0` or a reader that died).
 */
function runPiped(args: string[], readBytes: number, env: NodeJS.ProcessEnv = {}): Promise<PipedRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MEISAI_BIN, ...args], {
      env: { ...process.env, MEISAI_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdoutBytes = 0;
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    if (readBytes === 0) child.stdout!.destroy();
    else {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes >= readBytes) child.stdout!.destroy();
      });
    }
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdoutBytes, stderr }));
  });
}

function expectQuietEnd(run: PipedRun): void {
  expect(run.stderr).not.toContain('EPIPE');
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).not.toContain('"stack"');
  expect(run.stderr).not.toContain('unexpected failure');
  expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
}

test('calls | head: the reader closing the pipe after the first lines ends the run quietly with exit 0', async () => {
  const run = await runPiped(
    ['calls', '--contract', 'N000000001', '--month', '2011-04', '--csv-encoding', 'utf8', '--db', dbPath],
    200,
  );
  expect(run.stdoutBytes).toBeGreaterThanOrEqual(200);
  expectQuietEnd(run);
});

test('statement --format html into a closed pipe exits 0 without a stack', async () => {
  expectQuietEnd(
    await runPiped(
      ['statement', '--contract', 'N000000001', '--month', '2011-04', '--format', 'html', '--db', dbPath],
      0,
    ),
  );
});

test('reconcile into a closed pipe exits 0 without a stack', async () => {
  expectQuietEnd(await runPiped(['reconcile', '--month', '2011-04', '--db', dbPath], 0));
});

test('rerate into a closed pipe exits 0 without a stack', async () => {
  expectQuietEnd(await runPiped(['rerate', '--month', '2011-04', '--db', dbPath], 0));
});

test('close into a closed pipe has committed the month and exits 0', async () => {
  const run = await runPiped(['close', '--month', '2011-04', '--db', dbPath], 0);
  expectQuietEnd(run);
  const db = openStore(dbPath);
  try {
    expect(db.prepare('SELECT month FROM closed_months').all()).toEqual([{ month: '2011-04' }]);
  } finally {
    db.close();
  }
});

test('ingest into a closed pipe exits 0 without a stack', async () => {
  expectQuietEnd(await runPiped(['ingest', SEED, '--db', dbPath], 0));
});

test('a MEISAI_LOG_LEVEL that is not a level is one plain line and exit 2', async () => {
  const run = await runPiped(['months', '--contract', 'N000000001', '--db', dbPath], 1, { MEISAI_LOG_LEVEL: 'loud' });
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    'meisai: MEISAI_LOG_LEVEL "loud" is not valid: use one of fatal, error, warn, info, debug, trace, silent\n',
  );
});

test('an error thrown outside any command (an async callback) is one plain line and exit 1, not a stack', async () => {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `process.argv.push('meisai', '--version'); require(${JSON.stringify(join(PROJECT, 'dist', 'cli', 'run.js'))}); setTimeout(() => { throw new Error('boom'); }, 50);`,
    ],
    { env: { ...process.env, MEISAI_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((done) => child.on('close', (exitCode) => done(exitCode)));
  expect(stderr).toBe('meisai: unexpected failure: boom\n');
  expect(code).toBe(1);
});
