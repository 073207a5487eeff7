import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A real, throwaway PostgreSQL for the tests: a cluster in a temp folder, on a free port of
 * 127.0.0.1 (its unix socket in the folder too), trust authentication, stopped and removed after
 * the run. Jest's globalSetup starts it (`startTestCluster`) and passes its URL to the test
 * workers in MEISAI_TEST_PG_URL; each test file (or test) takes a database of its own
 * (`createTestDatabase`), so tests never see each other's rows.
 *
 * Without PostgreSQL binaries the PostgreSQL tests skip (`describePostgres`), and the run says so
 * in one line; MEISAI_REQUIRE_POSTGRES=1 (CI) makes that a failure. MEISAI_TEST_PG_URL set before
 * the run uses that server instead of starting one (its role must be allowed to create databases).
 */

export const PG_URL_VARIABLE = 'MEISAI_TEST_PG_URL';
export const PG_SKIP_VARIABLE = 'MEISAI_TEST_PG_SKIPPED';
export const PG_REQUIRE_VARIABLE = 'MEISAI_REQUIRE_POSTGRES';
export const PG_BIN_VARIABLE = 'MEISAI_PG_BIN';

/** The test cluster's one role that logs in with a password (scram-sha-256); every other role is trusted. */
export const PASSWORD_ROLE = 'meisai_password_test';

export interface TestCluster {
  url: string;
  directory: string;
  dataDirectory: string;
  binDirectory: string;
  port: number;
  stop(): void;
}

/** The folder with initdb, pg_ctl and postgres: MEISAI_PG_BIN, else the newest /usr/lib/postgresql/N/bin, else none. */
export function findPostgresBinaries(): string | undefined {
  const given = process.env[PG_BIN_VARIABLE];
  if (given !== undefined && given !== '') return hasBinaries(given) ? given : undefined;
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = readdirSync(root).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (hasBinaries(bin)) return bin;
  }
  return undefined;
}

function hasBinaries(bin: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((name) => existsSync(join(bin, name)));
}

/** A port nobody listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** initdb and postgres refuse to run as root: as root, they run as the `postgres` user. */
function runAsOwner(binary: string, args: string[], options: { cwd: string }): string {
  const asRoot = userInfo().uid === 0;
  const command = asRoot ? 'runuser' : binary;
  const commandArgs = asRoot ? ['-u', 'postgres', '--', binary, ...args] : args;
  return execFileSync(command, commandArgs, { cwd: options.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function postgresUserIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (line === undefined)
    throw new Error(
      'running as root, but there is no `postgres` user to run the test PostgreSQL as (initdb refuses root)',
    );
  const fields = line.split(':');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * Starts a new cluster: initdb (trust, UTF-8, C locale) into a temp folder, then pg_ctl start on a
 * free port, listening on 127.0.0.1 only. Durability is off (fsync, synchronous_commit): the
 * cluster lives for one test run (`durable` keeps PostgreSQL's defaults, for the bench). A watchdog process stops it and removes the folder if the run
 * that started it dies without its teardown.
 */
export async function startTestCluster(bin: string, options: { durable?: boolean } = {}): Promise<TestCluster> {
  const directory = mkdtempSync(join(tmpdir(), 'meisai-pg-'));
  const dataDirectory = join(directory, 'data');
  const socketDirectory = join(directory, 'socket');
  mkdirSync(socketDirectory);
  if (userInfo().uid === 0) {
    const { uid, gid } = postgresUserIds();
    chownSync(directory, uid, gid);
    chownSync(socketDirectory, uid, gid);
  }
  const logFile = join(directory, 'postgres.log');
  let started = false;
  try {
    runAsOwner(
      join(bin, 'initdb'),
      ['-D', dataDirectory, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      {
        cwd: directory,
      },
    );
    // Trust for every role but one, which must give its password: the tests of a refused login use it.
    writeFileSync(
      join(dataDirectory, 'pg_hba.conf'),
      [
        'local all all trust',
        `host all ${PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256`,
        'host all all 127.0.0.1/32 trust',
        'host all all ::1/128 trust',
        '',
      ].join('\n'),
    );
    let port = 0;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      const settings = [
        `-p ${port}`,
        `-k ${socketDirectory}`,
        "-c listen_addresses='127.0.0.1'",
        // A test cluster lives for one run: no durability. The bench asks for the defaults (fsync, synchronous commit).
        ...(options.durable === true ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
        '-c max_connections=200',
        '-c shared_buffers=64MB',
        // Advisory locks held by many concurrent test transactions.
        '-c max_locks_per_transaction=256',
      ].join(' ');
      try {
        runAsOwner(
          join(bin, 'pg_ctl'),
          ['start', '-D', dataDirectory, '-w', '-t', '60', '-l', logFile, '-o', settings],
          { cwd: directory },
        );
        started = true;
        break;
      } catch (error) {
        // Another process may have taken the port between the probe and the start: try another one.
        if (attempt >= 3)
          throw new Error(`the test PostgreSQL did not start: ${describeFailure(error)}\n${tail(logFile)}`);
      }
    }
    const stop = (): void => stopCluster(bin, dataDirectory, directory);
    watchUntilParentDies(bin, dataDirectory, directory);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      directory,
      dataDirectory,
      binDirectory: bin,
      port,
      stop,
    };
  } catch (error) {
    if (started) stopCluster(bin, dataDirectory, directory);
    else rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

function stopCluster(bin: string, dataDirectory: string, directory: string): void {
  try {
    if (existsSync(join(dataDirectory, 'postmaster.pid'))) {
      runAsOwner(join(bin, 'pg_ctl'), ['stop', '-D', dataDirectory, '-m', 'fast', '-w', '-t', '60'], {
        cwd: directory,
      });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * A detached process that waits for this one to end and then stops the cluster and removes its
 * folder. A normal teardown has already done both, and the watchdog finds nothing to do.
 */
function watchUntilParentDies(bin: string, dataDirectory: string, directory: string): void {
  const script = `
    const { execFileSync } = require('node:child_process');
    const { existsSync, rmSync } = require('node:fs');
    const [parent, pgCtl, data, folder, asRoot] = process.argv.slice(1);
    const alive = () => { try { process.kill(Number(parent), 0); return true; } catch { return false; } };
    const timer = setInterval(() => {
      if (alive()) { if (!existsSync(folder)) process.exit(0); return; }
      clearInterval(timer);
      try {
        if (existsSync(data + '/postmaster.pid')) {
          const args = ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'];
          if (asRoot === '1') execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { stdio: 'ignore', cwd: folder });
          else execFileSync(pgCtl, args, { stdio: 'ignore', cwd: folder });
        }
      } catch {}
      rmSync(folder, { recursive: true, force: true });
    }, 1000);
  `;
  const watchdog = spawn(
    process.execPath,
    [
      '-e',
      script,
      String(process.pid),
      join(bin, 'pg_ctl'),
      dataDirectory,
      directory,
      userInfo().uid === 0 ? '1' : '0',
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
}

function describeFailure(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** Whether the PostgreSQL tests run in this jest run (the global setup found or started a server). */
export function postgresAvailable(): boolean {
  return (process.env[PG_URL_VARIABLE] ?? '') !== '';
}

/** `describe` when a test PostgreSQL is there, else `describe.skip` (the global setup said why, once). */
export const describePostgres: jest.Describe = ((...args: Parameters<jest.Describe>) =>
  (postgresAvailable() ? describe : describe.skip)(...args)) as unknown as jest.Describe;

export interface TestDatabase {
  /** Connection string of the new database. */
  url: string;
  name: string;
  /** Drops the database (closing what is still connected to it). */
  drop(): Promise<void>;
}

/** The server's URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A new, empty database on the test server (`CREATE DATABASE … TEMPLATE template0`: cheap). */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const serverUrl = process.env[PG_URL_VARIABLE];
  if (serverUrl === undefined || serverUrl === '')
    throw new Error(`${PG_URL_VARIABLE} is not set: there is no test PostgreSQL in this run`);
  const name = `meisai_${label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    name,
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A database of this test file: created before its tests, dropped after them. Read `.url` inside
 * a test or a hook (it is set by beforeAll).
 */
export function useTestDatabase(label = 'test'): { readonly url: string; readonly name: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (postgresAvailable()) database = await createTestDatabase(label);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (database === undefined) throw new Error('no test database: use it inside a test of describePostgres');
      return database.url;
    },
    get name() {
      if (database === undefined) throw new Error('no test database: use it inside a test of describePostgres');
      return database.name;
    },
  };
}

/** The rows of one statement, on a connection of its own (a test's look at the tables behind the store). */
export async function queryRows(url: string, text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}
