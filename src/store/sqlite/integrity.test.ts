import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteIntegrity } from './integrity';

/**
 * reconcile's integrity check on SQLite: quick_check on a read-only connection of its own in a
 * worker thread, with the same answer as the store's own connection would give, and on the
 * store's connection when no worker can open the file.
 */
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'meisai-integrity-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** A WAL store file with one table of 5,000 rows (several leaf pages), checkpointed. */
function storeFile(name: string): string {
  const path = join(directory, name);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT NOT NULL); CREATE INDEX t_by_text ON t (text)');
  const insert = db.prepare('INSERT INTO t (text) VALUES (?)');
  db.transaction(() => {
    for (let row = 0; row < 5_000; row += 1) insert.run(`row ${row} ${'x'.repeat(row % 50)}`);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return path;
}

/** The connection's own quick_check, as the check ran before it moved to a worker. */
function ownQuickCheck(db: Database.Database): string[] {
  return (db.pragma('quick_check(20)') as { quick_check: string }[]).map((row) => row.quick_check);
}

test('a sound store file: the check is ok and names SQLite quick_check', async () => {
  const path = storeFile('sound.sqlite');
  const db = new Database(path, { readonly: true });
  try {
    expect(await sqliteIntegrity(db, path)).toEqual({
      check: 'SQLite quick_check',
      soundMeans: 'pages, b-trees and records of the file are sound',
      whenDamaged: expect.stringContaining('restore it from a backup'),
      problems: [],
    });
  } finally {
    db.close();
  }
});

test('a leaf page of the index overwritten: the worker finds what the connection itself finds', async () => {
  const path = storeFile('damaged.sqlite');
  const probe = new Database(path, { readonly: true });
  const pageSize = probe.pragma('page_size', { simple: true }) as number;
  const page = (
    probe.prepare("SELECT pageno FROM dbstat WHERE name = 't_by_text' AND pagetype = 'leaf' LIMIT 1").get() as {
      pageno: number;
    }
  ).pageno;
  probe.close();
  const file = readFileSync(path);
  file.fill(0x5a, (page - 1) * pageSize + 100, page * pageSize - 100);
  writeFileSync(path, file);

  const db = new Database(path, { readonly: true });
  try {
    const expected = ownQuickCheck(db);
    expect(expected).not.toEqual(['ok']);
    expect((await sqliteIntegrity(db, path)).problems).toEqual(expected);
  } finally {
    db.close();
  }
});

test('a store file no worker can open (its path removed while open): checked on the connection', async () => {
  const path = storeFile('gone.sqlite');
  const db = new Database(path);
  try {
    db.prepare('SELECT COUNT(*) FROM t').get();
    unlinkSync(path);
    expect((await sqliteIntegrity(db, path)).problems).toEqual([]);
  } finally {
    db.close();
  }
});

test('a store read into memory: checked on the connection', async () => {
  const path = storeFile('image.sqlite');
  const image = readFileSync(path);
  image[18] = 1;
  image[19] = 1;
  const db = new Database(image, { readonly: true });
  try {
    expect(db.memory).toBe(true);
    expect((await sqliteIntegrity(db, path)).problems).toEqual([]);
  } finally {
    db.close();
  }
});
