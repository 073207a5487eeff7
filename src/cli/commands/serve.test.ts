import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test-support/runCli';
import { verifyToken } from '../../view/token';
import { buildCli, MEISAI_BIN, PROJECT } from '../../test-support/builtCli';

const SEED = join(PROJECT, 'fixtures', 'seed-2011-04.csv');
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

let directory: string;
let dbPath: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'meisai-serve-'));
  dbPath = join(directory, 'meisai.sqlite');
  expect((await runCli(['ingest', SEED, '--db', dbPath])).code).toBe(0);
  buildCli();
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function withSecret<T>(work: () => Promise<T>, secret: string | null = SECRET): Promise<T> {
  const saved = process.env.MEISAI_VIEW_SECRET;
  if (secret === null) delete process.env.MEISAI_VIEW_SECRET;
  else process.env.MEISAI_VIEW_SECRET = secret;
  return work().finally(() => {
    if (saved === undefined) delete process.env.MEISAI_VIEW_SECRET;
    else process.env.MEISAI_VIEW_SECRET = saved;
  });
}

describe('meisai token', () => {
  test('mints a token for the contract with MEISAI_VIEW_SECRET, valid for --ttl', async () => {
    const result = await withSecret(() => runCli(['token', '--contract', 'N000000001', '--ttl', '2m']));
    expect(result.code).toBe(0);
    const check = verifyToken(SECRET, result.stdout.trim());
    expect(check).toEqual({ ok: true, contract: 'N000000001', expiresAt: expect.any(Number) });
    if (check.ok) expect(check.expiresAt - Date.now() / 1000).toBeLessThanOrEqual(120);
  });

  test('or with --secret-file', async () => {
    const file = join(directory, 'secret');
    writeFileSync(file, `${SECRET}\n`);
    const result = await withSecret(() => runCli(['token', '--contract', 'N000000001', '--secret-file', file]), null);
    expect(result.code).toBe(0);
    expect(verifyToken(SECRET, result.stdout.trim()).ok).toBe(true);
  });

  test.each([
    [['token', '--contract', 'N000000001'], null, /no secret: set MEISAI_VIEW_SECRET/],
    [['token', '--contract', 'N000000001'], 'short', /too short/],
    [['token', '--contract', 'N000000001', '--ttl', '2d'], SECRET, /ttl "2d" is not valid/],
    [['token', '--contract', 'X1'], SECRET, /contract "X1" is not valid/],
    [['serve', '--port', '70000'], SECRET, /port "70000" is not valid/],
  ])('%j: exit 2', async (args, secret, message) => {
    const result = await withSecret(() => runCli(args), secret);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    httpGet(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolvePromise({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('meisai serve on a store of a newer schema refuses at start (exit 2), naming both versions, instead of a 503 for ever', async () => {
  const newer = join(directory, 'newer.sqlite');
  expect((await runCli(['ingest', SEED, '--db', newer])).code).toBe(0);
  const db = new Database(newer);
  db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
    99,
    'a migration of a newer meisai',
    '2027-01-01T00:00:00Z',
  );
  db.close();
  const result = await withSecret(() => runCli(['serve', '--db', newer, '--port', '0']));
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(
    /^meisai: serve: the store .*newer\.sqlite has schema version 99, newer than this meisai knows \(\d+\)\n$/,
  );
  expect(result.stdout).toBe('');
});

test('meisai serve: listens on 127.0.0.1, serves the page, logs access as JSON on stderr without the token, stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [MEISAI_BIN, 'serve', '--port', '0', '--db', dbPath, '--window-end', '2011-04'],
    {
      env: { ...process.env, MEISAI_VIEW_SECRET: SECRET, MEISAI_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) resolveUrl(match[1]!);
    });
    child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
  });
  expect(stdout).toContain('months 2010-10 to 2011-04');
  expect(await get(`${url}/health`)).toEqual({ status: 200, body: '{"status":"ok"}' });
  const token = (await withSecret(() => runCli(['token', '--contract', 'N000000001']))).stdout.trim();
  const page = await get(`${url}/contracts/N000000001?month=2011-04&token=${token}`);
  expect(page.status).toBe(200);
  expect(page.body).toContain('ご利用明細(全番号合計)');
  const port = new URL(url).port;
  const second = await withSecret(() => runCli(['serve', '--port', port, '--db', dbPath]));
  expect(second.code).toBe(1);
  expect(second.stderr).toMatch(new RegExp(`meisai: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE\n$`));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const access = stderr.split('\n').filter((line) => line.includes('"event":"access"'));
  expect(access.length).toBe(2);
  expect(stderr).not.toContain(token);
  expect(stderr).toContain('"event":"shutdown"');
});
