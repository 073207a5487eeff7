import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../store/sqlite/migrations';
import { runCli } from '../../test-support/runCli';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'meisai-migrate-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const newest = Math.max(...MIGRATIONS.map((migration) => migration.version));

describe('meisai migrate', () => {
  test('creates a store in an existing folder at the newest schema version, and says so again when run twice', async () => {
    const dbPath = join(directory, 'meisai.sqlite');
    for (let run = 0; run < 2; run += 1) {
      const result = await runCli(['migrate', '--db', dbPath]);
      expect(result).toMatchObject({ code: 0, stdout: `${dbPath}: sqlite store at schema version ${newest}\n` });
    }
    expect(existsSync(`${dbPath}.lock`)).toBe(false);
  });

  test('refuses a folder that does not exist (exit 2) and creates nothing', async () => {
    const dbPath = join(directory, 'no-such-folder', 'meisai.sqlite');
    const result = await runCli(['migrate', '--db', dbPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('does not exist');
    expect(existsSync(join(directory, 'no-such-folder'))).toBe(false);
  });
});
