import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations';
import { openStore } from './connection';
import { sqliteStoreAtVersion } from './storeAtVersion.support';

/** Migration 5 rebuilds `files` (its CHECK gains skipped) under the tables that reference it. */
describe('migration 5: the skipped bucket', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'meisai-migration-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  /** A store as version 3 left it, with one file's calls, rejects and duplicates. */
  function versionThreeStore(path: string): void {
    const db = sqliteStoreAtVersion(path, 3, '2026-11-01T00:00:00Z');
    db.exec(`
      INSERT INTO files (file_id, name, sha256, bytes, encoding, source, ingested_at, records_read, accepted, rejected, duplicates, late)
        VALUES (7, 'day.csv', 'abc', 100, 'utf8', NULL, '2026-11-01', 3, 1, 1, 1, 0);
      INSERT INTO calls (record_id, file_id, line, contract_id, number, direction, peer, peer_is_number, start_ms, duration_ms, month,
                         peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible)
        VALUES ('A1', 7, 2, 'N000000001', '05012345678', 'out', '0312345678', 1, 0, 1000, '1970-01', 'general', 'T', 'P', 'GENERAL', NULL, 1, 80000, 0);
      INSERT INTO rejects (file_id, line, code, message, raw) VALUES (7, 3, 'BAD_START', 'm', 'r');
      INSERT INTO duplicates (file_id, line, record_id) VALUES (7, 4, 'A1');`);
    db.close();
  }

  test('an older store keeps every file, call, reject and duplicate; existing files have skipped 0 and no profile', () => {
    const path = join(directory, 'meisai.sqlite');
    versionThreeStore(path);
    const db = openStore(path, 'write');
    try {
      expect(
        db.prepare('SELECT file_id, records_read, accepted, rejected, duplicates, skipped, profile FROM files').all(),
      ).toEqual([{ file_id: 7, records_read: 3, accepted: 1, rejected: 1, duplicates: 1, skipped: 0, profile: null }]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.prepare('SELECT COUNT(*) AS n FROM calls JOIN files USING (file_id)').get()).toEqual({ n: 1 });
      // the child tables still reference files: a call of a file that does not exist is refused
      expect(() => db.prepare("INSERT INTO duplicates (file_id, line, record_id) VALUES (99, 1, 'X')").run()).toThrow(
        /FOREIGN KEY/,
      );
      expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'files'").get() as { sql: string }).sql).toContain(
        'CHECK (records_read = accepted + rejected + duplicates + skipped)',
      );
      expect(() => db.prepare('UPDATE files SET skipped = 1').run()).toThrow(/CHECK/);
      expect(db.prepare('UPDATE files SET skipped = 1, records_read = 4').run().changes).toBe(1);
    } finally {
      db.close();
    }
  });

  test('a new store gets the same schema', () => {
    const db = openStore(join(directory, 'new.sqlite'));
    try {
      const versions = (
        db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]
      ).map((row) => row.version);
      expect(versions).toEqual(MIGRATIONS.map((migration) => migration.version).sort((a, b) => a - b));
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'skips'").get()).toEqual({ name: 'skips' });
    } finally {
      db.close();
    }
  });
});

test('a files table with a column migration 5 does not know stops the migration: nothing dropped, nothing applied', () => {
  const directory = mkdtempSync(join(tmpdir(), 'meisai-migration-'));
  try {
    const path = join(directory, 'meisai.sqlite');
    const db = sqliteStoreAtVersion(path, 3, '2026-11-01T00:00:00Z');
    db.exec(
      "ALTER TABLE files ADD COLUMN someone_elses TEXT; INSERT INTO files VALUES (1, 'a', 'x', 1, 'utf8', NULL, 'now', 0, 0, 0, 0, 0, 'kept')",
    );
    db.close();
    expect(() => openStore(path, 'write')).toThrow();
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT someone_elses FROM files').get()).toEqual({ someone_elses: 'kept' });
    expect(after.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: 4 }); // 4 applied; 5 refused
    after.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
