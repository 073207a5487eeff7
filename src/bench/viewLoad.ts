/**
 * The statement view under load (issue 12): `npm run bench:view -- --store STORE --contract ID
 * --month YYYY-MM [--requests 5000] [--concurrency 50] [--ingest FILE]`.
 *
 * Starts `meisai serve` on 127.0.0.1 (a free port) over an existing store, then sends a bounded
 * number of GETs of one statement's JSON from `concurrency` clients at once, on loopback only;
 * with `--ingest FILE` an ingest of that file into the same store runs meanwhile (a copy of the
 * file under a fresh name each run, so it is applied, not skipped). Prints one JSON line:
 * requests, errors (any status but 200), seconds, requests/s, p50/p99 latency in ms, and whether
 * the ingest ran through the measurement. Never part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mintToken } from '../view/token';

const PROJECT_ROOT = join(__dirname, '..', '..');
const MEISAI_BIN = join(PROJECT_ROOT, 'bin', 'meisai');

interface LoadOptions {
  store: string;
  contract: string;
  month: string;
  requests: number;
  concurrency: number;
  ingest: string | null;
}

function parseArguments(argv: string[]): LoadOptions {
  const options: LoadOptions = { store: '', contract: '', month: '', requests: 5000, concurrency: 50, ingest: null };
  for (let index = 0; index < argv.length; index += 2) {
    const [name, value] = [argv[index]!, argv[index + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--store') options.store = value;
    else if (name === '--contract') options.contract = value;
    else if (name === '--month') options.month = value;
    else if (name === '--requests') options.requests = whole(name, value, 100_000);
    else if (name === '--concurrency') options.concurrency = whole(name, value, 500);
    else if (name === '--ingest') options.ingest = value;
    else throw new Error(`unknown option ${name}`);
  }
  if (options.store === '' || !/^N\d{9}$/.test(options.contract) || !/^\d{4}-\d{2}$/.test(options.month)) {
    throw new Error('--store, --contract N######### and --month YYYY-MM are required');
  }
  return options;
}

function whole(name: string, text: string, maximum: number): number {
  if (!/^\d{1,6}$/.test(text) || Number.parseInt(text, 10) < 1 || Number.parseInt(text, 10) > maximum)
    throw new Error(`${name} is a whole number from 1 to ${maximum}`);
  return Number.parseInt(text, 10);
}

/** Starts `meisai serve` on a free loopback port; resolves with its base URL once it listens. */
function serve(options: LoadOptions, secret: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [MEISAI_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--db', options.store, '--window-end', options.month],
    {
      env: { ...process.env, MEISAI_VIEW_SECRET: secret, MEISAI_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`meisai serve exited ${code} before it listened`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match === null) return;
      child.removeAllListeners('exit');
      resolve({
        url: match[1]!,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

function timedGet(url: string, token: string): Promise<{ status: number; ms: number }> {
  const startedAt = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, ms: Number(process.hrtime.bigint() - startedAt) / 1e6 }),
      );
    });
    outgoing.on('error', reject);
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error('a request took over 30 s')));
    outgoing.end();
  });
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const secret = randomBytes(32).toString('hex');
  const token = mintToken(secret, options.contract, 3600);
  const server = await serve(options, secret);
  const scratch = mkdtempSync(join(tmpdir(), 'meisai-view-load-'));
  let ingest: Promise<number | null> | null = null;
  try {
    if (options.ingest !== null) {
      const copy = join(scratch, `load-${Date.now()}.csv`);
      copyFileSync(options.ingest, copy);
      const child = spawn(process.execPath, [MEISAI_BIN, 'ingest', copy, '--db', options.store, '--json'], {
        stdio: 'ignore',
        env: { ...process.env, MEISAI_LOG_LEVEL: 'silent' },
      });
      ingest = new Promise((resolve) => child.on('exit', resolve));
    }
    const url = `${server.url}/api/contracts/${options.contract}/statements/${options.month}`;
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    let ingestFinishedEarly = false;
    if (ingest !== null) void ingest.then(() => (ingestFinishedEarly = next < options.requests));
    const startedAt = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.requests) {
          next += 1;
          const { status, ms } = await timedGet(url, token);
          latencies.push(ms);
          if (status !== 200) errors += 1;
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    latencies.sort((left, right) => left - right);
    const percentile = (share: number): number =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))]! * 10) / 10;
    const ingestExit = ingest === null ? null : await ingest;
    process.stdout.write(
      `${JSON.stringify({
        requests: latencies.length,
        errors,
        concurrency: options.concurrency,
        seconds: Math.round(seconds * 1000) / 1000,
        requestsPerSecond: Math.round(latencies.length / seconds),
        p50Ms: percentile(0.5),
        p99Ms: percentile(0.99),
        ingestDuringRun: ingest === null ? false : !ingestFinishedEarly,
        ingestExit,
      })}\n`,
    );
    if (errors > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:view: ${(error as Error).message}\n`);
  process.exitCode = 2;
});
