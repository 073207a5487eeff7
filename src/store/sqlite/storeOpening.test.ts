import Database from 'better-sqlite3';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csv } from '../../test-support/tempStore';
import { checkStorePath } from './connection';
import { MIGRATIONS } from './migrations';
import { runCli } from '../../test-support/runCli';

/** The newest migration this meisai knows. */
const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * What each command does with the path --db gives: only ingest creates a store, and only in a
 * folder that exists; a file that is not a meisai store (another file, another SQLite database,
 * a truncated store) is refused by every command with exit 2 and left as it was.
 */
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'meisai-opening-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const ROWS = ['K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60'];

function input(): string {
  const path = join(directory, 'day.csv');
  writeFileSync(path, csv(ROWS));
  return path;
}

/** Every command that opens the store, with what it needs besides --db. */
function everyCommand(): [string, string[]][] {
  return [
    ['ingest', ['ingest', input()]],
    ['rerate', ['rerate', '--month', '2011-04']],
    ['close', ['close', '--month', '2011-04']],
    ['statement', ['statement', '--contract', 'N000000001', '--month', '2011-04']],
    ['months', ['months', '--contract', 'N000000001']],
    ['calls', ['calls', '--contract', 'N000000001', '--month', '2011-04']],
    ['reconcile', ['reconcile', '--month', '2011-04']],
  ];
}

function expectOneLine(stderr: string, fragment: string): void {
  expect(stderr.split('\n').filter((line) => line !== '')).toEqual([expect.stringContaining(fragment)]);
  expect(stderr.startsWith('meisai: ')).toBe(true);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('a --db path where there is no store', () => {
  test.each(['rerate', 'close'])('%s refuses with exit 2, creates no store and leaves no lock', async (command) => {
    const dbPath = join(directory, 'typo.sqlite');
    const result = await runCli([command, '--month', '2011-04', '--db', dbPath]);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, `there is no store at ${dbPath}`);
    expect(existsSync(dbPath)).toBe(false);
    expect(existsSync(`${dbPath}.lock`)).toBe(false);
  });

  test('ingest creates a new store in a folder that exists', async () => {
    const dbPath = join(directory, 'new.sqlite');
    const result = await runCli(['ingest', input(), '--db', dbPath]);
    expect(result.code).toBe(0);
    expect(existsSync(dbPath)).toBe(true);
    expect(existsSync(`${dbPath}.lock`)).toBe(false);
  });

  test('ingest into a folder that does not exist refuses with exit 2 naming it, and creates no folder', async () => {
    const folder = join(directory, 'srv', 'meisia');
    const dbPath = join(folder, 'meisai.sqlite');
    const result = await runCli(['ingest', input(), '--db', dbPath]);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, `the folder ${folder} of the store does not exist`);
    expect(existsSync(join(directory, 'srv'))).toBe(false);
  });
});

describe('a file at --db that is not a meisai store', () => {
  async function expectRefusedByEveryCommand(
    dbPath: string,
    commands = everyCommand(),
    why = `${dbPath} is not a meisai store`,
  ): Promise<void> {
    const before = readFileSync(dbPath);
    for (const [name, args] of commands) {
      const result = await runCli([...args, '--db', dbPath]);
      expect({ name, code: result.code }).toEqual({ name, code: 2 });
      expectOneLine(result.stderr, why);
      expect(readFileSync(dbPath).equals(before)).toBe(true);
      expect(existsSync(`${dbPath}.lock`)).toBe(false);
    }
  }

  test('a file of garbage: every command exits 2 and leaves it untouched', async () => {
    const dbPath = join(directory, 'garbage.sqlite');
    writeFileSync(dbPath, Buffer.from(Array.from({ length: 8192 }, (_, index) => (index * 37 + 11) % 256)));
    await expectRefusedByEveryCommand(dbPath);
  });

  test('a CSV file given as --db by mistake: every command exits 2', async () => {
    const dbPath = join(directory, 'day-as-db.csv');
    writeFileSync(dbPath, csv(ROWS));
    await expectRefusedByEveryCommand(dbPath);
  });

  test('an empty file: every command but ingest exits 2; ingest makes it a store (a first ingest killed before it wrote leaves one)', async () => {
    const dbPath = join(directory, 'empty.sqlite');
    writeFileSync(dbPath, '');
    await expectRefusedByEveryCommand(
      dbPath,
      everyCommand().filter(([name]) => name !== 'ingest'),
    );
    expect((await runCli(['ingest', input(), '--db', dbPath])).code).toBe(0);
    expect((await runCli(['months', '--contract', 'N000000001', '--db', dbPath])).stdout).toBe('2011-04\n');
  });

  test('an SQLite database without tables, or with an empty schema_migrations only: ingest makes it a store, the others exit 2', async () => {
    for (const sql of [
      'PRAGMA journal_mode = WAL',
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    ]) {
      const dbPath = join(directory, `killed-first-run-${sql.length}.sqlite`);
      const db = new Database(dbPath);
      db.exec(sql);
      db.close();
      await expectRefusedByEveryCommand(
        dbPath,
        everyCommand().filter(([name]) => name !== 'ingest'),
      );
      expect((await runCli(['ingest', input(), '--db', dbPath])).code).toBe(0);
    }
  });

  /** A store ingested into, then changed by hand with `sql`. */
  async function storeEditedBy(name: string, sql: string): Promise<string> {
    const dbPath = join(directory, name);
    expect((await runCli(['ingest', input(), '--db', dbPath])).code).toBe(0);
    const db = new Database(dbPath);
    db.exec(sql);
    db.close();
    return dbPath;
  }

  test("meisai's schema_migrations with every row but none of the tables: every command exits 2, untouched", async () => {
    const dbPath = join(directory, 'migrations-only.sqlite');
    const db = new Database(dbPath);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const migration of MIGRATIONS)
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.description,
        '2026-11-01T00:00:00Z',
      );
    db.close();
    await expectRefusedByEveryCommand(dbPath);
  });

  test('a store missing the row of migration 6 (later ones applied): every command exits 2 naming it, nothing migrated', async () => {
    const dbPath = await storeEditedBy('hole.sqlite', 'DELETE FROM schema_migrations WHERE version = 6');
    await expectRefusedByEveryCommand(
      dbPath,
      everyCommand(),
      `${dbPath} is not a meisai store: its schema_migrations says version ${LATEST} but lacks the row of migration 6`,
    );
  });

  test('a read never migrates: a store of an older schema is refused by the read commands (run meisai migrate), migrated by a writer', async () => {
    // The store as migration 7 left it: migration 8 (file_removals) and the later ones not yet applied.
    const dbPath = await storeEditedBy(
      'older.sqlite',
      'DELETE FROM schema_migrations WHERE version >= 8; DROP TABLE file_removals',
    );
    const reads = everyCommand().filter(([command]) => ['statement', 'months', 'calls', 'reconcile'].includes(command));
    await expectRefusedByEveryCommand(
      dbPath,
      reads,
      `the store ${dbPath} has schema version 7, older than this meisai's (${LATEST}): run meisai migrate --db ${dbPath} first (a read never migrates)`,
    );
    expect((await runCli(['migrate', '--db', dbPath])).stdout).toBe(
      `${dbPath}: sqlite store at schema version ${LATEST}\n`,
    );
    expect((await runCli(['months', '--contract', 'N000000001', '--db', dbPath])).stdout).toBe('2011-04\n');
  });

  test("another application's SQLite database: every command exits 2 and it is not migrated", async () => {
    const dbPath = join(directory, 'other.sqlite');
    const other = new Database(dbPath);
    other.exec(
      "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20110401000000'); CREATE TABLE users (id INTEGER)",
    );
    other.close();
    await expectRefusedByEveryCommand(dbPath);
  });

  test('a folder given as --db: every command exits 2', async () => {
    const dbPath = join(directory, 'a-folder');
    mkdirSync(dbPath);
    for (const [name, args] of everyCommand()) {
      const result = await runCli([...args, '--db', dbPath]);
      expect({ name, code: result.code }).toEqual({ name, code: 2 });
      expectOneLine(result.stderr, `${dbPath} is not a meisai store: it is a folder`);
    }
    expect(existsSync(`${dbPath}.lock`)).toBe(false);
  });

  test('a truncated store: every command exits 2', async () => {
    const dbPath = join(directory, 'meisai.sqlite');
    expect((await runCli(['ingest', input(), '--db', dbPath])).code).toBe(0);
    truncateSync(dbPath, Math.floor(statSync(dbPath).size / 2));
    await expectRefusedByEveryCommand(dbPath);
  });

  // A reader that opened the store while a nightly ingest checkpointed saw the header's page count
  // ahead of the file's size and called the live store truncated (found by the statement view's load bench).
  test('a store whose header is ahead of its size while a WAL is beside it is being written, not truncated', () => {
    const dbPath = join(directory, 'meisai.sqlite');
    const header = Buffer.alloc(100);
    Buffer.from('SQLite format 3\0', 'latin1').copy(header, 0);
    header.writeUInt16BE(4096, 16);
    header.writeUInt32BE(7, 24); // change counter = version-valid-for: the page count is valid
    header.writeUInt32BE(7, 92);
    header.writeUInt32BE(10, 28); // 10 pages of 4096 bytes, the file holds 2
    writeFileSync(dbPath, Buffer.concat([header, Buffer.alloc(2 * 4096 - 100)]));
    expect(() => checkStorePath(dbPath, 'read')).toThrow(/is not a meisai store: it is truncated/);
    writeFileSync(`${dbPath}-wal`, Buffer.alloc(32));
    expect(() => checkStorePath(dbPath, 'read')).not.toThrow();
  });
});
