import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite/sqliteStore';
import { Db, openStore } from '../store/sqlite/connection';

/** A real SQLite store in a fresh temp folder, and a place to write input files. */
export interface TempWorkspace {
  directory: string;
  dbPath: string;
  /** The raw connection, for tests that look at rows. */
  db: Db;
  /** The same store behind meisai's store interface. */
  store: SqliteStore;
  writeFile(name: string, content: string | Buffer): string;
  cleanUp(): void;
}

export function createWorkspace(): TempWorkspace {
  const directory = mkdtempSync(join(tmpdir(), 'meisai-test-'));
  const dbPath = join(directory, 'meisai.sqlite');
  const db = openStore(dbPath);
  return {
    directory,
    dbPath,
    db,
    store: new SqliteStore(db),
    writeFile(name, content) {
      const path = join(directory, name);
      writeFileSync(path, content);
      return path;
    },
    cleanUp() {
      if (db.open) db.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export const CDR_HEADER = 'record_id,contract_id,number,direction,peer,start,duration';

/** A CSV file's text from a header and rows (LF endings). */
export function csv(rows: string[], header = CDR_HEADER): string {
  return `${[header, ...rows].join('\n')}\n`;
}
