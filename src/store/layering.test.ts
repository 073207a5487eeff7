import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * One product on two engines, held by the code's own shape: only the engine folders know SQL or
 * a driver, only `src/store/` picks an engine, and no file of `src/store/` outgrows 500 lines.
 * The bench (not the product) and the test support are outside these rules.
 */
const SRC = join(__dirname, '..');

function productFiles(): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!['bench', 'test-support'].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        files.push(relative(SRC, path).split(sep).join('/'));
      }
    }
  };
  walk(SRC);
  return files.sort();
}

const inEngineFolder = (file: string): boolean =>
  file.startsWith('store/sqlite/') || file.startsWith('store/postgres/');
const SQL =
  /\b(SELECT\s+[\w*"(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIEW)|PRAGMA\s+\w)/;
const DRIVER = /from '(better-sqlite3|pg|pg-copy-streams)'/;
const ENGINE_IMPORT = /from '[./]*\/?(store\/)?(sqlite|postgres)\/[^']*'/;

describe('the store layering', () => {
  test('SQL and database drivers appear only in the engine folders', () => {
    const offending = productFiles().filter(
      (file) =>
        !inEngineFolder(file) &&
        (SQL.test(readFileSync(join(SRC, file), 'utf8')) || DRIVER.test(readFileSync(join(SRC, file), 'utf8'))),
    );
    expect(offending).toEqual([]);
  });

  test('nothing outside src/store/ imports an engine: commands get a Store and never learn which engine it is', () => {
    const offending = productFiles().filter(
      (file) => !file.startsWith('store/') && ENGINE_IMPORT.test(readFileSync(join(SRC, file), 'utf8')),
    );
    expect(offending).toEqual([]);
  });

  test('no file of src/store/ is over 500 lines', () => {
    const long = productFiles()
      .filter((file) => file.startsWith('store/'))
      .map((file) => ({ file, lines: readFileSync(join(SRC, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 500);
    expect(long).toEqual([]);
  });
});
