import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../reference/referenceData';

/**
 * A copy of data/ (tariffs, holiday calendars and numbering plan) in a temp folder, for tests that correct a tariff
 * or add a version and re-rate. `edit` changes a JSON file of it in place.
 */
const copies: string[] = [];

/** Removes every copy made so far (call it in afterEach). */
export function removeReferenceCopies(): void {
  for (const directory of copies.splice(0)) rmSync(directory, { recursive: true, force: true });
}

export function copyReferenceData(): {
  dataDir: string;
  edit(relativePath: string, change: (document: any) => void): void;
  add(relativePath: string, document: unknown): void;
} {
  const dataDir = mkdtempSync(join(tmpdir(), 'meisai-data-'));
  copies.push(dataDir);
  cpSync(join(DEFAULT_DATA_DIR, 'tariffs'), join(dataDir, 'tariffs'), { recursive: true });
  cpSync(join(DEFAULT_DATA_DIR, 'numbering'), join(dataDir, 'numbering'), { recursive: true });
  cpSync(join(DEFAULT_DATA_DIR, 'holidays'), join(dataDir, 'holidays'), { recursive: true });
  return {
    dataDir,
    edit(relativePath, change) {
      const path = join(dataDir, relativePath);
      const document = JSON.parse(readFileSync(path, 'utf8'));
      change(document);
      writeFileSync(path, JSON.stringify(document, null, 2));
    },
    add(relativePath, document) {
      writeFileSync(join(dataDir, relativePath), JSON.stringify(document, null, 2));
    },
  };
}
